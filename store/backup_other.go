//go:build !unix

package store

import (
	"fmt"
	"os"
)

// keepOwnership gives the restored file the permissions of the database it
// replaces.
func keepOwnership(path, like string) {
	if fi, err := os.Stat(like); err == nil {
		os.Chmod(path, fi.Mode().Perm())
	}
}

// ownLikeDir does nothing here: files have no Unix owner to give.
func ownLikeDir(string) {}

// describeOwner says what mode a file has.
func describeOwner(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("mode %04o", fi.Mode().Perm())
}
