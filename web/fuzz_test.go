package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// FuzzPledgeFormDecoding posts arbitrary bodies, with arbitrary content
// types, to the public pledge form — the page that faces the open internet
// — and checks the server always answers as a form should: a page saying
// what to fix, a refusal, or a pledge; never a server error.
func FuzzPledgeFormDecoding(f *testing.F) {
	for _, seed := range []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "name=Asha+Patel&email=asha%40example.org&profession=Pharmacist&area_id=1"},
		{"application/x-www-form-urlencoded", "name=%ZZ&email=%"},
		{"application/x-www-form-urlencoded", "area_id=-1&organisation_id=99999999999999999999&hours=1e999"},
		{"application/x-www-form-urlencoded", strings.Repeat("a=b&", 5000)},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nA\r\n--x--"},
		{"text/plain", "\x00\xff"},
		{"", ""},
	} {
		f.Add(seed.ct, seed.body)
	}
	st := storetest.Open(f)
	fx := storetest.Seed(f, st)
	s, err := web.New(web.Options{Store: st, PasswordCost: 4, Logger: quietLogger()})
	if err != nil {
		f.Fatal(err)
	}
	path := fmt.Sprintf("/campaigns/%s/actions/%d/pledge", fx.Campaign.Slug, fx.Actions[0].ID)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("Content-Type %q, body %q: %d\n%.500s", contentType, body, rec.Code, rec.Body)
		}
	})
}
