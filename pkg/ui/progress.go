package ui

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws a one-line progress counter on a terminal's stderr,
// redrawn at most ten times a second. On anything but a terminal it draws
// nothing.
type Progress struct {
	w     io.Writer
	label string
	mu    sync.Mutex
	last  time.Time
	shown bool
}

// NewProgress returns a progress line for ErrOut, or nil when ErrOut is
// not a terminal; a nil *Progress ignores every call.
func (s *IOStreams) NewProgress(label string) *Progress {
	if !s.ErrTTY {
		return nil
	}
	return &Progress{w: s.ErrOut, label: label}
}

// Update shows done of total (total 0: unknown).
func (p *Progress) Update(done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.shown = now, true
	if total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[K%s %d / %d (%d%%)", p.label, done, total, done*100/total)
	} else {
		fmt.Fprintf(p.w, "\r\x1b[K%s %d", p.label, done)
	}
}

// Done clears the line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
