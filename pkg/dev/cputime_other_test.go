//go:build !unix

package dev

import "time"

// cpuTime is not measured here: the benchmark reports 0 CPU per instance.
func cpuTime() time.Duration { return 0 }
