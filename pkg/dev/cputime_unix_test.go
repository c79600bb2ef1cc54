//go:build unix

package dev

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process used, user and system: what an
// instance costs, whatever else runs on the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
