package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devclient"
	"github.com/wfctl/wfctl/pkg/engine"
)

func newRecordsCmd(f *Factory, g *globalOptions) *cobra.Command {
	var ef engineFlags
	var follow bool
	cmd := &cobra.Command{
		Use:   "records [--follow]",
		Short: "Print the engine's record stream (wfctl.records)",
		Long: `Print every record of the wfctl engine's record stream, the topic
wfctl.records: one line each, or with -o json one JSON object per line in the
engine's record format (Zeebe's exporter shape). --follow keeps printing new
records until interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(g, "text", "json", "ndjson"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return withEngine(ctx, f, ef, func(c *devclient.Client) error {
				err := c.Records(ctx, follow, func(rec engine.Record, r *kgo.Record) (bool, error) {
					if g.Output != "text" {
						_, err := fmt.Fprintf(f.IO.Out, "%s\n", r.Value)
						return false, err
					}
					_, err := fmt.Fprintln(f.IO.Out, recordLine(rec))
					return false, err
				})
				if follow && ctx.Err() != nil {
					return nil
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&follow, "follow", false, "keep printing new records")
	ef.bind(cmd)
	return cmd
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
