package csvio_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/groundswell-health/groundswell/csvio"
)

// The fuzz tests read arbitrary bytes as each format. Reading must not fail
// other than row by row (a bad header aside), every bad row must name its
// line, and every good row must survive a round trip: written out and read
// again, it is the same row. Their seed corpora are in
// testdata/fuzz/<FuzzName>/ and run in every go test; go test -fuzz
// FuzzReadPeople ./csvio explores further.

// fuzzRead reads data with open, checks what it reads, and writes the good
// rows back with write, reading them again with open.
func fuzzRead[T any](t *testing.T, data []byte, open func(io.Reader) (*csvio.Reader[T], error),
	write func(io.Writer) (*csvio.RecordWriter[T], error), clearLine func(*T)) {
	r, err := open(bytes.NewReader(data))
	var he *csvio.HeaderError
	if errors.As(err, &he) {
		return
	} else if err != nil {
		t.Fatalf("open: %v, not a *HeaderError", err)
	}
	var good []T
	for {
		v, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *csvio.RowError
		if errors.As(err, &re) {
			if re.Line < 2 || re.Reason == "" {
				t.Fatalf("bad row without a line or a reason: %+v", re)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v, not a *RowError", err)
		}
		good = append(good, v)
	}
	if len(good) == 0 {
		return
	}
	var b bytes.Buffer
	w, err := write(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range good {
		if err := w.Write(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r2, err := open(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("reading back what was written: %v\n%s", err, b.String())
	}
	for i, want := range good {
		got, err := r2.Next()
		if err != nil {
			t.Fatalf("row %d written as\n%s\nreads back with %v", i+1, b.String(), err)
		}
		clearLine(&got)
		clearLine(&want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("row %d read back as\n%#v\nwritten as\n%#v\nfile:\n%q", i+1, got, want, b.String())
		}
	}
	if _, err := r2.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("reading back: more rows than written (%v)", err)
	}
}

func FuzzReadPeople(f *testing.F) {
	f.Add([]byte("email,name\nann@example.org,Ann\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, csvio.NewPeopleReader,
			func(w io.Writer) (*csvio.RecordWriter[csvio.Person], error) {
				return csvio.NewPeopleWriter(w, csvio.Options{})
			},
			// The columns written are every column; those read may be fewer.
			func(p *csvio.Person) { p.Line, p.Columns = 0, csvio.Columns{} })
	})
}

func FuzzReadOrganisations(f *testing.F) {
	f.Add([]byte("name,sector,ods_code\nRiverside,Community pharmacy,FA123\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, csvio.NewOrganisationReader,
			func(w io.Writer) (*csvio.RecordWriter[csvio.Organisation], error) {
				return csvio.NewOrganisationWriter(w, csvio.Options{})
			},
			func(o *csvio.Organisation) { o.Line, o.Columns = 0, csvio.Columns{} })
	})
}

func FuzzReadCommitments(f *testing.F) {
	f.Add([]byte("email,group,action,status,created_at\nann@example.org,carers,Talk,pledged,2026-01-02T10:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, csvio.NewCommitmentReader,
			func(w io.Writer) (*csvio.RecordWriter[csvio.Commitment], error) {
				return csvio.NewCommitmentWriter(w, csvio.Options{})
			},
			func(c *csvio.Commitment) { c.Line = 0 })
	})
}

func FuzzReadObservations(f *testing.F) {
	f.Add([]byte("indicator,area_code,area_name,period,value\nind,E1,Eng,2024-01-01,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, func(r io.Reader) (*csvio.Reader[csvio.Row], error) { return csvio.NewReader(r, nil) },
			func(w io.Writer) (*csvio.RecordWriter[csvio.Row], error) {
				return csvio.NewObservationWriter(w, csvio.Options{})
			},
			func(o *csvio.Row) { o.Line = 0 })
	})
}
