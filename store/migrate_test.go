package store

import (
	"slices"
	"strings"
	"testing"
)

// A migration can hold parts that only one database runs, marked
// "-- dialect: …"; the rest runs on both.
func TestForDialectKeepsEachDatabasesPart(t *testing.T) {
	src := "CREATE TABLE a (x INT);\n-- dialect: sqlite\nCREATE TRIGGER s;\n-- dialect: postgres\nCREATE FUNCTION p;\n-- dialect: all\nCREATE TABLE b (y INT);\n"
	for dialect, want := range map[string][]string{
		"sqlite":   {"CREATE TABLE a (x INT);", "CREATE TRIGGER s;", "CREATE TABLE b (y INT);"},
		"postgres": {"CREATE TABLE a (x INT);", "CREATE FUNCTION p;", "CREATE TABLE b (y INT);"},
	} {
		got, err := forDialect(src, dialect)
		if err != nil {
			t.Fatal(err)
		}
		if stmts := splitStatements(got); !slices.Equal(stmts, want) {
			t.Errorf("%s runs %q, want %q", dialect, stmts, want)
		}
	}
	if _, err := forDialect("-- dialect: mysql\nSELECT 1;\n", "sqlite"); err == nil || !strings.Contains(err.Error(), "mysql") {
		t.Errorf("a misspelt dialect was not refused: %v", err)
	}
}

// A SQLite trigger's body and a PostgreSQL function's body hold semicolons
// at the ends of their lines; each is still one statement.
func TestSplitStatementsKeepsBodiesWhole(t *testing.T) {
	src := `CREATE TRIGGER t BEFORE UPDATE ON x
BEGIN
	SELECT RAISE(ABORT, 'no');
	SELECT 1;
END;
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'no';
END
$$;
CREATE TRIGGER u BEFORE DELETE ON x
	FOR EACH ROW EXECUTE FUNCTION f();
INSERT INTO x VALUES (1);
`
	got := splitStatements(src)
	if len(got) != 4 {
		t.Fatalf("%d statements, want 4: %q", len(got), got)
	}
	if !strings.HasSuffix(got[0], "END;") || !strings.HasSuffix(got[1], "$$;") ||
		!strings.HasSuffix(got[2], "f();") || got[3] != "INSERT INTO x VALUES (1);" {
		t.Errorf("statements = %q", got)
	}
}

// Every embedded migration reads for both databases.
func TestMigrationsReadForEachDialect(t *testing.T) {
	all, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		for _, d := range []dialect{sqliteDialect, postgresDialect} {
			src, err := forDialect(m.sql, d.name)
			if err != nil {
				t.Errorf("%s for %s: %v", m.name, d.name, err)
			}
			if len(splitStatements(src)) == 0 {
				t.Errorf("%s has no statement for %s", m.name, d.name)
			}
		}
	}
}
