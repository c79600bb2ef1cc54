package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
	"github.com/wfctl/wfctl/pkg/ui"
)

// recordsOptions are records' flags.
type recordsOptions struct {
	f          *Factory
	g          *globalOptions
	ef         engineFlags
	Follow     bool
	Instance   int64
	ValueType  string // upper case, or ""
	Intent     string // upper case, or ""
	From       kafka.Position
	Num        int
	fromText   string
	valueTypeS string
	intentS    string
}

func newRecordsCmd(f *Factory, g *globalOptions, runF func(context.Context, *recordsOptions) error) *cobra.Command {
	o := &recordsOptions{f: f, g: g}
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
			pos, err := kafka.ParsePosition(o.fromText, f.Now())
			if err != nil {
				return usageErrorf("--from %q: %v", o.fromText, err)
			}
			if o.Num < 0 {
				return usageErrorf("-n %d: want a number of records, 0 for all", o.Num)
			}
			o.From, o.ValueType, o.Intent = pos, strings.ToUpper(o.valueTypeS), strings.ToUpper(o.intentS)
			if o.ValueType != "" && !knownName(o.ValueType, engine.ValueTypeNames()) {
				return usageErrorf("--value-type %q: one of %s", o.valueTypeS, strings.Join(engine.ValueTypeNames(), ", "))
			}
			if o.Intent != "" && !knownName(o.Intent, engine.IntentNames()) {
				return usageErrorf("--intent %q: one of %s", o.intentS, strings.Join(engine.IntentNames(), ", "))
			}
			return orRun(runF, runRecords)(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Follow, "follow", false, "keep printing new records")
	cmd.Flags().Int64Var(&o.Instance, "instance", 0, "only the records of this process instance")
	cmd.Flags().StringVar(&o.valueTypeS, "value-type", "", "only records of this value type (JOB, PROCESS_INSTANCE, ...)")
	cmd.Flags().StringVar(&o.intentS, "intent", "", "only records of this intent (CREATED, ELEMENT_ACTIVATED, ...)")
	cmd.Flags().StringVar(&o.fromText, "from", "beginning", "start: beginning, end, an offset, -N (N offsets before the end), RFC 3339 time, s@UNIX_MS, or -7d")
	cmd.Flags().IntVarP(&o.Num, "num", "n", 0, "stop after N records printed (0: all)")
	o.ef.bind(cmd)
	return withFormats(cmd, "text", "json", "ndjson")
}

func runRecords(ctx context.Context, o *recordsOptions) error {
	f := o.f
	printed := 0
	return withEngine(ctx, f, o.ef, func(c *devclient.Client) error {
		err := c.RecordsFrom(ctx, o.From, o.Follow, func(rec engine.Record, r *kgo.Record) (bool, error) {
			switch {
			case o.Instance != 0 && devproto.InstanceKeyOf(rec) != o.Instance,
				o.ValueType != "" && rec.ValueType.String() != o.ValueType,
				o.Intent != "" && rec.Intent.String() != o.Intent:
				return false, nil
			}
			var err error
			if o.g.Output != "text" {
				// The engine's record, as wfctl.records holds it, with
				// schema_version put first as on every JSON line.
				_, err = fmt.Fprintf(f.IO.Out, "%s\n", versioned(r.Value))
			} else {
				_, err = fmt.Fprintln(f.IO.Out, recordLine(rec))
			}
			printed++
			return o.Num > 0 && printed >= o.Num, err
		})
		if o.Follow && ctx.Err() != nil {
			return nil
		}
		return err
	})
}

func knownName(name string, names []string) bool { return slices.Contains(names, name) }

// recordLine is a record in one readable line (newlines in it escaped):
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
	case *engine.SignalValue:
		what = v.SignalName
	case *engine.SignalSubscriptionValue:
		what = v.SignalName + " " + v.CatchEventID
	case *engine.EscalationValue:
		what = v.EscalationCode + " " + v.ThrowElementID + " -> " + v.CatchElementID
	case *engine.CompensationSubscriptionValue:
		what = v.CompensableActivityID + " -> " + v.CompensationHandlerID
	case *engine.DecisionValue:
		what = fmt.Sprintf("%s v%d", v.DecisionID, v.Version)
	case *engine.DecisionRequirementsValue:
		what = fmt.Sprintf("%s v%d", v.DecisionRequirementsID, v.DecisionRequirementsVersion)
	case *engine.DecisionEvaluationValue:
		what = v.DecisionID + " -> " + v.DecisionOutput + ui.OneLine(v.EvaluationFailureMessage)
	}
	if r.RejectionReason != "" {
		what += " — " + r.RejectionReason
	}
	at := "-" // the engine's clock before its first tick
	if r.Timestamp != 0 {
		at = r.Time().UTC().Format(time.RFC3339)
	}
	return ui.OneLine(strings.TrimRight(fmt.Sprintf("%d  %s  %s  %s  %s  %d  %s", r.Position, at,
		r.RecordType, r.ValueType, r.Intent, r.Key, what), " "))
}

// compactJSON writes a value as one-line JSON.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
