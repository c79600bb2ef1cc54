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
	start time.Time
	last  time.Time
	shown bool
}

// NewProgress returns a progress line for ErrOut, or nil when ErrOut is
// not a terminal; a nil *Progress ignores every call.
func (s *IOStreams) NewProgress(label string) *Progress {
	if !s.ErrTTY {
		return nil
	}
	return &Progress{w: s.ErrOut, label: label, start: time.Now()}
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
	fmt.Fprint(p.w, "\r\x1b[K"+ProgressLine(p.label, done, total, now.Sub(p.start)))
}

// ProgressLine is a progress line's text: done of total with the share,
// the rate, and the time left when the total is known (total 0: unknown),
// as in "replaying 413,696 / 943,748 (43%) · 612,000/s · 1s left".
func ProgressLine(label string, done, total int64, elapsed time.Duration) string {
	line := label + " " + Thousands(done)
	if total > 0 {
		line += fmt.Sprintf(" / %s (%d%%)", Thousands(total), min(done, total)*100/total)
	}
	if elapsed < 100*time.Millisecond || done <= 0 {
		return line
	}
	rate := float64(done) / elapsed.Seconds()
	line += " · " + Thousands(int64(rate)) + "/s"
	if total > done {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		line += " · " + left.Round(time.Second).String() + " left"
	}
	return line
}

// Thousands formats n with thousands separators: 1,234,567.
func Thousands(n int64) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
