package storetest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/store"
)

// Traces searches every column of every table the database's own catalogue
// lists — so a table added later is searched too, and so are the job
// queue's (river_job) once its migrations have run — for each of the
// needles, in any case, and returns "table.column holds needle" for each
// found. Each value is read whole and searched as bytes: SQLite keeps the
// job queue's JSON as binary JSONB, in which text stands as it is but
// which SQL's LIKE cannot be trusted to read.
func Traces(tb testing.TB, st *store.Store, needles []string) []string {
	tb.Helper()
	db := st.WriteDB()
	type column struct{ table, name string }
	var columns []column
	if st.Dialect() == "postgres" {
		rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		must(tb, err)
		for rows.Next() {
			var c column
			must(tb, rows.Scan(&c.table, &c.name))
			columns = append(columns, c)
		}
		must(tb, rows.Err())
		rows.Close()
	} else {
		var tables []string
		rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
		must(tb, err)
		for rows.Next() {
			var name string
			must(tb, rows.Scan(&name))
			tables = append(tables, name)
		}
		must(tb, rows.Err())
		rows.Close()
		for _, table := range tables {
			rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
			must(tb, err)
			for rows.Next() {
				c := column{table: table}
				must(tb, rows.Scan(&c.name))
				columns = append(columns, c)
			}
			must(tb, rows.Err())
			rows.Close()
		}
	}
	if len(columns) < 100 {
		tb.Fatalf("the catalogue lists only %d columns: the search cannot be complete", len(columns))
	}
	as := "BLOB"
	if st.Dialect() == "postgres" {
		as = "TEXT"
	}
	lower := make([][]byte, len(needles))
	for i, n := range needles {
		lower[i] = []byte(strings.ToLower(n))
	}
	var found []string
	for _, c := range columns {
		hit := make([]bool, len(needles))
		rows, err := db.Query(`SELECT CAST("` + c.name + `" AS ` + as + `) FROM "` + c.table + `"`)
		must(tb, err)
		for rows.Next() {
			var v []byte
			must(tb, rows.Scan(&v))
			v = bytes.ToLower(v)
			for i, n := range lower {
				hit[i] = hit[i] || bytes.Contains(v, n)
			}
		}
		must(tb, rows.Err())
		rows.Close()
		for i, n := range needles {
			if hit[i] {
				found = append(found, c.table+"."+c.name+" holds "+n)
			}
		}
	}
	return found
}
