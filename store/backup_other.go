//go:build !unix

package store

import "os"

// keepOwnership gives the restored file the permissions of the database it
// replaces.
func keepOwnership(path, like string) {
	if fi, err := os.Stat(like); err == nil {
		os.Chmod(path, fi.Mode().Perm())
	}
}
