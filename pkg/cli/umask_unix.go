//go:build unix

package cli

import "syscall"

// privateFiles makes the files this process creates from now on readable
// by their owner alone (umask 077): wfctl dev's data folder holds every
// variable of every instance.
func privateFiles() { syscall.Umask(0o077) }
