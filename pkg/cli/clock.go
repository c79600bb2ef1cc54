package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/duration"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/ui"
)

func newClockCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show or move the clock of a wfctl dev engine (timers, job timeouts)",
		Long: `The engine of wfctl dev follows the wall clock: timers fire and jobs time
out when their time comes. To see what happens in an hour or a week without
waiting, move its clock ahead; whatever falls due by the new time happens at
once. The engine's clock never goes back.

  add DURATION  move it ahead (90m, 1h30m, 2d); it then runs that far ahead
                of the wall clock
  pin TIME      stand it still at TIME (RFC 3339), no earlier than the
                engine's time, until reset or another pin or add
  reset         follow the wall clock again; a clock that is ahead stays where
                it is until the wall clock catches up
  show          the engine's time, how far ahead it is, pinned or not

The setting is kept in wfctl dev's state: it survives a restart.`,
	}
	cmd.AddCommand(newClockShowCmd(f, g, nil), newClockAddCmd(f, g, nil), newClockPinCmd(f, g, nil), newClockResetCmd(f, g, nil))
	return cmd
}

func newClockShowCmd(f *Factory, g *globalOptions, runF func(context.Context, *clockOptions) error) *cobra.Command {
	o := &clockOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the engine's time, how far it is ahead of the wall clock, and whether it is pinned",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Intent, o.Value, o.Done = devproto.ClockShow, devproto.ClockCommandValue{}, ""
			return orRun(runF, runClock)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func newClockAddCmd(f *Factory, g *globalOptions, runF func(context.Context, *clockOptions) error) *cobra.Command {
	o := &clockOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "add DURATION",
		Short: "Move the engine's clock ahead (90m, 1h30m, 2d); what falls due by then happens at once",
		Example: `  wfctl clock add 1h
  wfctl clock add 2d12h`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseClockDuration(args[0])
			if err != nil {
				return err
			}
			o.Intent, o.Value, o.Done = devproto.ClockAdd, devproto.ClockCommandValue{Offset: d.Milliseconds()}, "moved the engine clock ahead by "+d.String()
			return orRun(runF, runClock)(cmd.Context(), o)
		},
	}
	// "-1h" reads as flags: say what is wrong with it as a duration.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if _, arg, ok := strings.Cut(err.Error(), "unknown shorthand flag: "); ok {
			if _, d, ok := strings.Cut(arg, " in "); ok && len(d) > 1 && d[1] >= '0' && d[1] <= '9' {
				_, err = parseClockDuration(d)
				return err
			}
		}
		return flagError(c, err)
	})
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func newClockPinCmd(f *Factory, g *globalOptions, runF func(context.Context, *clockOptions) error) *cobra.Command {
	o := &clockOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:     "pin TIME",
		Short:   "Stand the engine's clock still at TIME (RFC 3339), no earlier than its time now",
		Example: `  wfctl clock pin 2026-12-24T09:00:00Z`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := time.Parse(time.RFC3339Nano, args[0])
			if err != nil {
				return usageErrorf("TIME %q: want an RFC 3339 time such as 2026-12-24T09:00:00Z", args[0])
			}
			if t.UnixMilli() <= 0 {
				return usageErrorf("TIME %q: want a time after 1970", args[0])
			}
			o.Intent, o.Value, o.Done = devproto.ClockPin, devproto.ClockCommandValue{Time: t.UnixMilli()}, "pinned the engine clock: it stands still until `wfctl clock reset`, or another pin or add"
			return orRun(runF, runClock)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func newClockResetCmd(f *Factory, g *globalOptions, runF func(context.Context, *clockOptions) error) *cobra.Command {
	o := &clockOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Follow the wall clock again (a clock that is ahead waits for it: it never goes back)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Intent, o.Value, o.Done = devproto.ClockReset, devproto.ClockCommandValue{}, "the engine clock follows the wall clock again"
			return orRun(runF, runClock)(cmd.Context(), o)
		},
	}
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

// parseClockDuration reads a duration as every duration flag does
// (pkg/duration: 90m, 1h30m, 2d, P3D). The clock never goes back:
// negative is a usage error of its own.
func parseClockDuration(arg string) (time.Duration, error) {
	if strings.HasPrefix(arg, "-") {
		return 0, usageErrorf("DURATION %q: the engine's clock never goes back: want a positive duration such as 90m, 1h or 2d", arg)
	}
	d, err := duration.Parse(strings.TrimPrefix(arg, "+"))
	if err != nil {
		return 0, usageErrorf("DURATION %v", err)
	}
	return d, nil
}

// clockOutput is `wfctl clock … -o json`.
type clockOutput struct {
	Time      string `json:"time"`
	WallClock string `json:"wallClock"`
	Pinned    bool   `json:"pinned"`
	// Offset is what `clock add` set; Ahead how far the engine's clock is
	// ahead of the wall clock (more than Offset after a reset while ahead).
	Offset       string `json:"offset"`
	OffsetMs     int64  `json:"offsetMs"`
	AheadMs      int64  `json:"aheadMs"`
	TimersFired  int    `json:"timersFired"`
	JobsTimedOut int    `json:"jobsTimedOut"`
}

// clockOptions are a clock command's: the control command and the line
// saying what it did ("" for show).
type clockOptions struct {
	f      *Factory
	g      *globalOptions
	ef     engineFlags
	Intent string
	Value  devproto.ClockCommandValue
	Done   string
}

// runClock sends a clock control command and prints the clock after it:
// done (a line saying what was done, or "" for show), the clock, and what
// fell due on the way.
func runClock(ctx context.Context, o *clockOptions) error {
	f, g, intent, done := o.f, o.g, o.Intent, o.Done
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		resp, err := c.Clock(ctx, intent, o.Value)
		if err != nil {
			return err
		}
		if resp.Rejected {
			return &FindingError{Err: errors.New("the engine rejected the command: " + resp.Reason)}
		}
		clk := resp.Done.Clock
		if clk == nil {
			return &FindingError{Err: fmt.Errorf("the engine answered CLOCK %s without its clock (%+v): is it an older wfctl dev?", intent, resp.Done)}
		}
		out := clockOutput{Time: formatClock(clk.Time), WallClock: formatClock(clk.Wall), Pinned: clk.Pinned,
			Offset: millis(clk.Offset).String(), OffsetMs: clk.Offset, AheadMs: clk.Time - clk.Wall}
		for _, r := range resp.Records {
			switch {
			case r.IsEvent() && r.ValueType == engine.ValueTimer && r.Intent == engine.IntentTriggered:
				out.TimersFired++
			case r.IsEvent() && r.ValueType == engine.ValueJob && r.Intent == engine.IntentTimedOut:
				out.JobsTimedOut++
			}
		}
		return writeResult(f, g, out, func() error {
			if done != "" {
				fmt.Fprintln(f.IO.Out, done)
			}
			fmt.Fprintln(f.IO.Out, describeClock(clk))
			if out.TimersFired+out.JobsTimedOut > 0 {
				fmt.Fprintf(f.IO.Out, "fell due and happened now: %s fired, %s timed out\n",
					ui.Plural(out.TimersFired, "timer"), ui.Plural(out.JobsTimedOut, "job"))
			}
			return nil
		})
	})
}

// describeClock is the clock in a line.
func describeClock(c *devproto.Clock) string {
	line := "engine clock " + formatClock(c.Time)
	ahead := c.Time - c.Wall
	switch {
	case c.Pinned:
		return line + " (pinned; wall clock " + formatClock(c.Wall) + ")"
	case ahead > c.Offset:
		// A reset while ahead: the engine's clock waits for the wall clock.
		s := " (" + millis(ahead).Round(time.Second).String() + " ahead of the wall clock"
		if c.Offset > 0 {
			s += ", " + millis(c.Offset).String() + " of them by clock add"
		}
		return line + s + "; it stays there until the wall clock catches up: it never goes back)"
	case c.Offset > 0:
		return line + " (wall clock + " + millis(c.Offset).String() + ")"
	}
	return line + " (the wall clock)"
}

func formatClock(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func millis(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
