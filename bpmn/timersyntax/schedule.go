package timersyntax

import "time"

// This file computes when a Cron fires next.

// cronSearchDays bounds Next: a schedule such as "0 0 0 29 2 MON" matches
// only every few decades.
const cronSearchDays = 366 * 100

// Next returns the first time strictly after t, in t's location, that
// the schedule matches, looking at most about 100 years ahead. The day
// fields must both match, as in Spring (classic cron ORs them).
func (c *Cron) Next(t time.Time) (time.Time, bool) {
	if c.second == 0 || c.minute == 0 || c.hour == 0 || c.month == 0 {
		return time.Time{}, false // "," parses to an empty field, as in Spring
	}
	t = t.Truncate(time.Second).Add(time.Second)
	loc := t.Location()
	y, m, d := t.Date()
	h0, m0, s0 := t.Clock()
	for i := 0; i < cronSearchDays; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if i > 0 {
			h0, m0, s0 = 0, 0, 0
		}
		if !c.matchesDay(day) {
			continue
		}
		if hh, mm, ss, ok := c.firstTime(h0, m0, s0); ok {
			return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, ss, 0, loc), true
		}
	}
	return time.Time{}, false
}

// firstTime returns the first matching time of day at or after h0:m0:s0.
func (c *Cron) firstTime(h0, m0, s0 int) (h, m, s int, ok bool) {
	for h = h0; h < 24; h++ {
		if c.hour&(1<<h) == 0 {
			continue
		}
		for m = 0; m < 60; m++ {
			if c.minute&(1<<m) == 0 || (h == h0 && m < m0) {
				continue
			}
			for s = 0; s < 60; s++ {
				if c.second&(1<<s) != 0 && !(h == h0 && m == m0 && s < s0) {
					return h, m, s, true
				}
			}
		}
	}
	return 0, 0, 0, false
}

func (c *Cron) matchesDay(day time.Time) bool {
	return c.month&(1<<int(day.Month())) != 0 && c.dom.matchesDOM(day) && c.dow.matchesDOW(day)
}

func (d cronDays) matchesDOM(day time.Time) bool {
	if d.bits&(1<<day.Day()) != 0 {
		return true
	}
	last := daysIn(day.Year(), day.Month())
	for _, r := range d.rules {
		switch r.kind {
		case cronLastDay:
			if day.Day() == last+r.n {
				return true
			}
		case cronLastWeekday:
			if day.Day() == lastWeekday(day.Year(), day.Month()) {
				return true
			}
		case cronNearestWeekday:
			prev := time.Date(day.Year(), day.Month()-1, 1, 0, 0, 0, 0, day.Location())
			if nearestWeekday(day, r.n).Equal(day) || nearestWeekday(prev, r.n).Equal(day) {
				return true
			}
		}
	}
	return false
}

func (d cronDays) matchesDOW(day time.Time) bool {
	wd := int(day.Weekday())
	if wd == 0 {
		wd = 7
	}
	if d.bits&(1<<wd) != 0 {
		return true
	}
	for _, r := range d.rules {
		if day.Weekday() != r.weekday {
			continue
		}
		switch r.kind {
		case cronLastOfWeekday:
			if day.Day()+7 > daysIn(day.Year(), day.Month()) {
				return true
			}
		case cronNthWeekday:
			if (day.Day()-1)/7+1 == r.n {
				return true
			}
		}
	}
	return false
}

func lastWeekday(y int, m time.Month) int {
	last := daysIn(y, m)
	switch time.Date(y, m, last, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		return last - 1
	case time.Sunday:
		return last - 2
	}
	return last
}

// nearestWeekday is Spring's "nW" for the month of ref: day n, or the
// Friday before it if it is a Saturday (the Monday after for 1W), or the
// Monday after it if it is a Sunday, which may be in the next month. It is
// the zero time when the month has no day n.
func nearestWeekday(ref time.Time, n int) time.Time {
	y, m := ref.Year(), ref.Month()
	if n > daysIn(y, m) {
		return time.Time{}
	}
	d := time.Date(y, m, n, 0, 0, 0, 0, ref.Location())
	switch d.Weekday() {
	case time.Saturday:
		if n == 1 {
			return d.AddDate(0, 0, 2)
		}
		return d.AddDate(0, 0, -1)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}
