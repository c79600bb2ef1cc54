package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

func newRecordsCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var follow bool
	var instance int64
	var valueType, intent, from string
	var num int
	cmd := &cobra.Command{
		Use:   "records [--follow] [--instance KEY] [--value-type T] [--intent I] [--from POS] [-n N]",
		Short: "Print the engine's record stream (wfctl.records)",
		Long: `Print the records of the wfctl engine's record stream, the topic
wfctl.records, as rpk topic consume does: one line each (newlines inside a
record escaped), or with -o json / -o ndjson one JSON object per line in the
engine's record format (Zeebe's exporter shape). --follow keeps printing new
records until interrupted.

--instance KEY keeps the records of one process instance, --value-type
(JOB, PROCESS_INSTANCE, ...) and --intent (ELEMENT_ACTIVATED, ...) those of a
kind; --from starts at a position, as kcat and trace take it (beginning,
end, an offset, -N: N offsets before the end, an RFC 3339 time, s@UNIX_MS,
or -7d; the topic's Done markers and checkpoints take offsets too, and are
not printed); -n N stops after N records printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json", "ndjson"); err != nil {
				return err
			}
			pos, err := kafka.ParsePosition(from, f.Now())
			if err != nil {
				return usageErrorf("--from %q: %v", from, err)
			}
			if num < 0 {
				return usageErrorf("-n %d: want a number of records, 0 for all", num)
			}
			vt, in := strings.ToUpper(valueType), strings.ToUpper(intent)
			if vt != "" && !knownName(vt, engine.ValueTypeNames()) {
				return usageErrorf("--value-type %q: one of %s", valueType, strings.Join(engine.ValueTypeNames(), ", "))
			}
			if in != "" && !knownName(in, engine.IntentNames()) {
				return usageErrorf("--intent %q: one of %s", intent, strings.Join(engine.IntentNames(), ", "))
			}
			ctx := cmd.Context()
			printed := 0
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				err := c.RecordsFrom(ctx, pos, follow, func(rec engine.Record, r *kgo.Record) (bool, error) {
					switch {
					case instance != 0 && instanceKeyOf(rec) != instance,
						vt != "" && rec.ValueType.String() != vt,
						in != "" && rec.Intent.String() != in:
						return false, nil
					}
					var err error
					if g.Output != "text" {
						_, err = fmt.Fprintf(f.IO.Out, "%s\n", r.Value)
					} else {
						_, err = fmt.Fprintln(f.IO.Out, oneLine(recordLine(rec)))
					}
					printed++
					return num > 0 && printed >= num, err
				})
				if follow && ctx.Err() != nil {
					return nil
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&follow, "follow", false, "keep printing new records")
	cmd.Flags().Int64Var(&instance, "instance", 0, "only the records of this process instance")
	cmd.Flags().StringVar(&valueType, "value-type", "", "only records of this value type (JOB, PROCESS_INSTANCE, ...)")
	cmd.Flags().StringVar(&intent, "intent", "", "only records of this intent (CREATED, ELEMENT_ACTIVATED, ...)")
	cmd.Flags().StringVar(&from, "from", "beginning", "start: beginning, end, an offset, -N (N offsets before the end), RFC 3339 time, s@UNIX_MS, or -7d")
	cmd.Flags().IntVarP(&num, "num", "n", 0, "stop after N records printed (0: all)")
	ef.bind(cmd)
	return cmd
}

func knownName(name string, names []string) bool { return slices.Contains(names, name) }

// oneLine escapes what would break a record over lines.
func oneLine(s string) string {
	return strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\r", "\\r").Replace(s)
}

// recordLine is a record in one readable line:
//
//	12  2026-11-01T12:00:00Z  EVENT  PROCESS_INSTANCE  ELEMENT_ACTIVATED  2251799813685253  serviceTask Charge
func recordLine(r engine.Record) string {
	what := ""
	switch v := r.Value.(type) {
	case *engine.ProcessInstanceValue:
		what = v.BPMNElementType.String() + " " + v.ElementID
	case *engine.JobValue:
		what = v.Type + " " + v.ElementID
	case *engine.MessageValue:
		what = v.Name + " key=" + v.CorrelationKey
	case *engine.MessageSubscriptionValue:
		what = v.MessageName + " key=" + v.CorrelationKey + " " + v.ElementID
	case *engine.TimerValue:
		what = v.TargetElementID + " due " + time.UnixMilli(v.DueDate).UTC().Format(time.RFC3339)
	case *engine.VariableValue:
		what = v.Name + "=" + compactJSON(v.Value)
	case *engine.IncidentValue:
		what = v.ErrorType.String() + " " + v.ElementID + ": " + v.ErrorMessage
	case *engine.ProcessValue:
		what = fmt.Sprintf("%s v%d", v.BPMNProcessID, v.Version)
	}
	if r.RejectionReason != "" {
		what += " — " + r.RejectionReason
	}
	at := "-" // the engine's clock before its first tick
	if r.Timestamp != 0 {
		at = r.Time().UTC().Format(time.RFC3339)
	}
	return strings.TrimRight(fmt.Sprintf("%d  %s  %s  %s  %s  %d  %s", r.Position, at,
		r.RecordType, r.ValueType, r.Intent, r.Key, what), " ")
}

// instanceKeyOf returns the process instance a record is about, or -1.
func instanceKeyOf(r engine.Record) int64 { return devclient.InstanceKeyOf(r) }

// compactJSON writes a value as one-line JSON.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
