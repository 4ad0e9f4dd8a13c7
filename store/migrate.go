package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations in version order. A file is
// named NNNN_description.sql.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number", base)
		}
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	return out, nil
}

// migrate applies pending migrations, each in its own transaction with its
// version recorded in the same transaction, so a failed migration leaves the
// database at the previous version.
func (s *Store) migrate(ctx context.Context) error {
	all, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	// Several nodes may start at once against one PostgreSQL database: each
	// step takes the dialect's migration lock inside its transaction, so one
	// node migrates while the others wait and then find the work done.
	err = s.writeTx(ctx, func(tx *tx) error {
		if err := s.d.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.exec(ctx, s.d.types.Replace(
			`CREATE TABLE IF NOT EXISTS schema_migrations (version {{bigint}} PRIMARY KEY, name TEXT NOT NULL, applied_at {{bigint}} NOT NULL)`))
		return err
	})
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range all {
		err := s.writeTx(ctx, func(tx *tx) error {
			if err := s.d.lockMigrations(ctx, tx); err != nil {
				return err
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			src, err := forDialect(m.sql, s.d.name)
			if err != nil {
				return err
			}
			for _, stmt := range splitStatements(s.d.types.Replace(src)) {
				if _, err := tx.exec(ctx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			_, err = tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, ms(tx.now))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// dialectMarker starts a part of a migration that only one database runs:
// "-- dialect: sqlite", "-- dialect: postgres", or "-- dialect: all" to
// return to SQL both run. Most migrations need none: {{…}} covers the types.
// Triggers and functions are the exception (SQLite's RAISE in a trigger
// body, PostgreSQL's plpgsql).
const dialectMarker = "-- dialect:"

// forDialect keeps the lines of a migration that the dialect runs. An
// unknown dialect name is an error, so a misspelt marker cannot quietly
// leave a statement out.
func forDialect(src, dialect string) (string, error) {
	var b strings.Builder
	current := "all"
	for i, line := range strings.Split(src, "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), dialectMarker); ok {
			current = strings.TrimSpace(name)
			if current != "all" && current != sqliteDialect.name && current != postgresDialect.name {
				return "", fmt.Errorf("line %d: unknown dialect %q (all, %s or %s)", i+1, current, sqliteDialect.name, postgresDialect.name)
			}
			continue
		}
		if current == "all" || current == dialect {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// splitStatements splits a migration on the semicolons that end its lines.
// Migrations are written so that a statement ends with ";" at the end of a
// line, and comments start with "--". Two kinds of statement hold such
// semicolons inside them and end later: a SQLite trigger, whose body runs
// from a line ending in BEGIN to a line "END;", and a PostgreSQL function,
// whose body is quoted between $$ and $$.
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	trigger, inBody, inDollars := false, false, false
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if !inDollars && (strings.HasPrefix(trimmed, "--") || trimmed == "") {
			continue
		}
		upper := strings.ToUpper(trimmed)
		if cur.Len() == 0 {
			trigger, inBody = strings.HasPrefix(upper, "CREATE TRIGGER"), false
		}
		if trigger && (upper == "BEGIN" || strings.HasSuffix(upper, " BEGIN")) {
			inBody = true
		}
		if strings.Count(line, "$$")%2 == 1 {
			inDollars = !inDollars
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		end := strings.HasSuffix(trimmed, ";") && !inDollars
		if inBody {
			end = upper == "END;"
		}
		if end {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}
