//go:build unix

package store

import (
	"os"
	"syscall"
)

// keepOwnership gives the restored file the permissions, and when allowed
// the owner, of the database it replaces: a restore run as root must not
// leave a file that the server's own user cannot write.
func keepOwnership(path, like string) {
	fi, err := os.Stat(like)
	if err != nil {
		return
	}
	os.Chmod(path, fi.Mode().Perm())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		os.Chown(path, int(st.Uid), int(st.Gid)) // only root may; anyone else's restore is theirs already
	}
}
