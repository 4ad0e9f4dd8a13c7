package store

import "testing"

func TestBindNumbersPlaceholdersForPostgres(t *testing.T) {
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := sqliteDialect.bind(q); got != q {
		t.Errorf("sqlite bind changed the query: %s", got)
	}
	want := `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`
	if got := postgresDialect.bind(q); got != want {
		t.Errorf("postgres bind = %s, want %s", got, want)
	}
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("-- comment\nCREATE TABLE a (\n x INT\n);\n\nINSERT INTO a VALUES (1);\n")
	if len(got) != 2 || got[1] != "INSERT INTO a VALUES (1);" {
		t.Errorf("statements = %q", got)
	}
}
