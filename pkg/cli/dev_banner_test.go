package cli

import (
	"strings"
	"testing"

	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/ui"
)

// TestDevExamples: the banner's examples name what is deployed (a
// process with a none start event, else one a message starts; a job type
// of the started process, else any; a model of the folder), and
// placeholders in capitals when nothing fits.
func TestDevExamples(t *testing.T) {
	order := dev.DeployedProcess{ID: "order-fulfillment", ResourceName: "order-fulfillment.bpmn", StartMessages: []string{"OrderPlaced"}}
	payment := dev.DeployedProcess{ID: "payment", ResourceName: "payment.bpmn", NoneStart: true, JobTypes: []string{"charge-card"}}
	shipping := dev.DeployedProcess{ID: "a-shipping", ResourceName: "sub/shipping.bpmn", JobTypes: []string{"pack", "ship"}}
	inFolder := func(path string) bool { return strings.HasPrefix(path, "models/") }
	for _, tc := range []struct {
		name   string
		procs  []dev.DeployedProcess
		models string
		noLint bool
		want   []string
		absent []string
	}{
		{name: "nothing deployed",
			want:   []string{"wfctl deploy MODEL.bpmn", `wfctl instance create PROCESS_ID --variables '{"orderId":"o-1"}'`, "wfctl job worker JOB_TYPE --handler ./handle.sh", `"bpmnProcessId":"PROCESS_ID"`},
			absent: []string{"payment", "charge"}},
		{name: "none start and job type", procs: []dev.DeployedProcess{shipping, order, payment}, models: "models",
			want: []string{"wfctl deploy models/payment.bpmn\n", "# start an instance of payment\n  wfctl instance create payment\n",
				"wfctl job worker charge-card --handler 'echo {}'", `"value":{"bpmnProcessId":"payment"}}`},
			absent: []string{"PROCESS_ID", "JOB_TYPE", "MODEL.bpmn", "message publish"}},
		{name: "message start only, --no-lint", procs: []dev.DeployedProcess{shipping, order}, models: "models", noLint: true,
			want: []string{"wfctl deploy models/order-fulfillment.bpmn --no-lint", "# start an instance of order-fulfillment: message OrderPlaced starts it\n  wfctl message publish OrderPlaced --correlation-key k-1",
				"wfctl job worker pack --handler 'echo {}'", `"bpmnProcessId":"PROCESS_ID"`},
			absent: []string{"instance create"}},
		{name: "deployed, but not from the models folder", procs: []dev.DeployedProcess{payment}, models: "elsewhere",
			want: []string{"wfctl deploy MODEL.bpmn", "wfctl instance create payment"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			writeExamples(&b, ui.Painter{}, "127.0.0.1:9092", nil, chooseExamples(tc.procs, tc.models, tc.noLint, inFolder))
			for _, s := range tc.want {
				if !strings.Contains(b.String(), s) {
					t.Errorf("no %q in\n%s", s, b.String())
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(b.String(), s) {
					t.Errorf("%q in\n%s", s, b.String())
				}
			}
		})
	}
}
