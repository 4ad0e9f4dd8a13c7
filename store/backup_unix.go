//go:build unix

package store

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
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

// ownLikeDir gives a restored file that replaces no database the owner and
// group of the directory it is in, when the restore runs as root; its mode
// stays 0600. There is no old file to take them from, and a file root kept
// would be one the server cannot open, while the database's directory is
// normally the service user's own (systemd's StateDirectory=, a package's
// directory under /var/lib). Anyone else's restore is theirs: only root may
// give a file away.
func ownLikeDir(path string) {
	if os.Geteuid() != 0 {
		return
	}
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		os.Chown(path, int(st.Uid), int(st.Gid)) // best effort: Restore reports the owner it ends up with
	}
}

// describeOwner says who owns a file and its mode, for the operator to check
// that the server's user may open it.
func describeOwner(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	mode := fmt.Sprintf("mode %04o", fi.Mode().Perm())
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return mode
	}
	uid, gid := strconv.FormatUint(uint64(st.Uid), 10), strconv.FormatUint(uint64(st.Gid), 10)
	owner, group := "uid "+uid, "gid "+gid
	if u, err := user.LookupId(uid); err == nil {
		owner = fmt.Sprintf("%s (uid %s)", u.Username, uid)
	}
	if g, err := user.LookupGroupId(gid); err == nil {
		group = fmt.Sprintf("%s (gid %s)", g.Name, gid)
	}
	return fmt.Sprintf("owner %s, group %s, %s", owner, group, mode)
}
