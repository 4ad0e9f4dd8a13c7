package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/groundswell-health/groundswell/store"
)

// storeOpened, when set (by tests, before the program starts), is called
// with the store serve has opened, so that a test can reach the database
// under the running server — to fill it up, or make it read-only. It is not
// a setting.
var storeOpened func(*store.Store)

const (
	backupUsage  = "usage: groundswell backup [--db PATH] FILE"
	restoreUsage = "usage: groundswell restore [--db PATH] [--force] FILE"
)

// backupCmd: groundswell backup --db PATH FILE copies a SQLite database,
// consistently, while the server goes on serving.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	file, err := parseArgs(fs, args, "backup FILE", backupUsage)
	if err != nil {
		return err
	}
	start := time.Now()
	info, err := store.Backup(ctx, *db, file)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: %s, schema version %d, integrity checked, in %s\n",
		*db, file, megabytes(info.Bytes), info.SchemaVersion, time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd: groundswell restore --db PATH [--force] FILE puts a checked
// backup in place of a stopped server's database.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	force := fs.Bool("force", false, "replace the database at --db, keeping it as PATH.before-restore")
	file, err := parseArgs(fs, args, "backup FILE", restoreUsage)
	if err != nil {
		return err
	}
	// Restore refuses a database in use, but cannot stop a server from
	// starting while it works (docs/OPERATIONS.md, Restoring): say so first.
	fmt.Fprintf(stdout, "Restoring %s into %s: keep the server stopped until this says the restore has finished.\n", file, *db)
	info, err := store.Restore(ctx, file, *db, *force)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored %s into %s (%s, schema version %d, integrity checked).\n", file, *db, megabytes(info.Bytes), info.SchemaVersion)
	if info.Path != *db {
		fmt.Fprintf(stdout, "%s is a symbolic link: the file it points to, %s, was replaced, and the link kept.\n", *db, info.Path)
	}
	if info.Replaced != "" {
		fmt.Fprintf(stdout, "The database that was there is kept as %s.\n", info.Replaced)
	}
	if info.Owner != "" {
		fmt.Fprintf(stdout, "%s: %s. The server's user must be able to read and write it, and to create files beside it.\n", info.Path, info.Owner)
	}
	fmt.Fprintln(stdout, "The restore has finished. Start the server to serve it; any newer migrations are applied as it starts.")
	return nil
}

// cannotStore explains a start that failed because the database cannot
// store anything: the job queue's start is the first write, and its error
// alone names neither the file nor what to look at.
func cannotStore(db string, err error) error {
	if cause := store.FaultCause(err); cause != "" {
		return fmt.Errorf("the database %s cannot store anything: %s — check the space left on its disk, and that the file, "+
			"its directory and the file system are writable by this user: %w", store.Describe(db), cause, err)
	}
	return err
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
