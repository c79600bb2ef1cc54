//go:build !unix

package cli

// privateFiles: Windows has no umask; the data folder inherits the ACL of
// its parent.
func privateFiles() {}
