package cli

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// devBanner tells what runs where, and how to try it.
func devBanner(p ui.Painter, s *dev.Server, opts *devOptions, took time.Duration) string {
	addr := s.Addr()
	where := "this machine only"
	if host, _, _ := net.SplitHostPort(s.ListenAddr()); !net.ParseIP(host).IsLoopback() {
		where = "listening on " + s.ListenAddr()
	}
	state := "in memory: lost when wfctl dev stops"
	if s.DataDir() != "" {
		rec := s.Recovered()
		state = s.DataDir() + ": kept across restarts"
		switch {
		case rec.Snapshot > 0:
			state += fmt.Sprintf(" (recovered from a snapshot and %s after it, %s in flight)", ui.Plural(int(rec.Records), "record"), ui.Plural(int(rec.Active), "instance"))
		case rec.Checkpoints > 0:
			state += fmt.Sprintf(" (recovered %s, %s in flight)", ui.Plural(int(rec.Records), "record"), ui.Plural(int(rec.Active), "instance"))
		}
	}
	domain := strings.Join(s.DomainTopics(), ", ")
	if domain == "" {
		domain = "none yet: --topics, or zeebe:property wfctl.topic in a model"
	}
	pairs := [][2]string{
		{"broker", addr + " (" + where + ")"},
		{"state", state},
		{"topics", strings.Join([]string{devproto.TopicCommands, devproto.TopicRecords, devproto.TopicDeployments, devproto.TopicJobs}, ", ")},
		{"domain", domain},
	}
	if opts.Models != "" {
		pairs = append(pairs, [2]string{"models", opts.Models + " (watched: changed models are deployed again)"})
	}
	if auth := authProps(opts); auth != "" {
		pairs = append(pairs, [2]string{"auth", auth + " (add these to every command below; kcat takes the same -X, with sasl.mechanisms)"})
	}
	var b strings.Builder
	b.WriteString(ui.Panel(p, fmt.Sprintf("wfctl dev · a Kafka broker with the workflow engine attached · ready in %d ms", took.Milliseconds()), pairs))
	b.WriteString("\n" + p.Paint(ui.Bold, "Try it, from another terminal:") + "\n")
	ex := chooseExamples(s.Processes(), opts.Models, opts.NoLint, func(path string) bool {
		st, err := os.Stat(validate.Resolve(opts.f.WorkDir, path))
		return err == nil && !st.IsDir()
	})
	writeExamples(&b, p, addr, s.DomainTopics(), ex)
	b.WriteString(p.Paint(ui.Faint, "Ctrl-C stops wfctl dev.") + "\n")
	return b.String()
}

// Placeholders of the banner's examples when nothing deployed fits: in
// capitals, so that nobody takes them for names that exist.
const (
	placeholderModel   = "MODEL.bpmn"
	placeholderProcess = "PROCESS_ID"
	placeholderJobType = "JOB_TYPE"
)

// devExamples are what the banner's commands name: what is deployed
// where it can (so that each command works as shown), else placeholders.
type devExamples struct {
	// deploy is the deploy command's arguments.
	deploy string
	// process has a none start event; "" when none has.
	process string
	// message starts startedByMessage, when process is "".
	message, startedByMessage string
	// jobType is a job type of a deployed process, the started one's
	// first; "" when none has one.
	jobType string
}

// chooseExamples picks the banner's examples from the deployed
// processes (sorted by id): the first with a none start event (else the
// first started by a message), its job type (else any process's), and a
// model of the models folder to deploy, with --no-lint when wfctl dev
// has it (the gate let the model through on those terms).
func chooseExamples(procs []dev.DeployedProcess, models string, noLint bool, exists func(string) bool) devExamples {
	ex := devExamples{deploy: placeholderModel}
	var started *dev.DeployedProcess
	for i := range procs {
		if procs[i].NoneStart {
			started, ex.process = &procs[i], procs[i].ID
			break
		}
	}
	for i := range procs {
		if started == nil && len(procs[i].StartMessages) > 0 {
			started, ex.message, ex.startedByMessage = &procs[i], procs[i].StartMessages[0], procs[i].ID
		}
	}
	candidates := procs
	if started != nil {
		candidates = append([]dev.DeployedProcess{*started}, procs...)
	}
	for _, p := range candidates {
		if ex.jobType == "" && len(p.JobTypes) > 0 {
			ex.jobType = p.JobTypes[0]
		}
		if file := filepath.Join(models, filepath.FromSlash(p.ResourceName)); models != "" && ex.deploy == placeholderModel && exists(file) {
			ex.deploy = file
			if noLint {
				ex.deploy += " --no-lint"
			}
		}
	}
	return ex
}

func writeExamples(w io.Writer, p ui.Painter, addr string, domainTopics []string, e devExamples) {
	b := ""
	if addr != "127.0.0.1:9092" && addr != "localhost:9092" {
		b = " -b " + addr
	}
	ex := func(comment, cmd string) {
		fmt.Fprintf(w, "  %s\n  %s\n", p.Paint(ui.Faint, "# "+comment), cmd)
	}
	kcat := func(args string) string { return "kcat -b " + addr + " " + args }
	ex("deploy a model", "wfctl deploy"+b+" "+e.deploy)
	created, vars := e.process, ""
	switch {
	case e.process != "":
		ex("start an instance of "+e.process, "wfctl instance create"+b+" "+e.process)
	case e.message != "":
		ex("start an instance of "+e.startedByMessage+": message "+e.message+" starts it", "wfctl message publish"+b+" "+e.message+" --correlation-key k-1")
		created = placeholderProcess
	default:
		ex("start an instance of a process you deployed", "wfctl instance create"+b+" "+placeholderProcess+` --variables '{"orderId":"o-1"}'`)
		created, vars = placeholderProcess, `,"variables":{"orderId":"o-1"}`
	}
	if e.jobType != "" {
		ex("work the jobs of type "+e.jobType+": the handler gets a job's variables on stdin, prints the variables to set",
			"wfctl job worker"+b+" "+e.jobType+` --handler 'echo {}'`)
	} else {
		ex("work the jobs of a type with a command", "wfctl job worker"+b+" "+placeholderJobType+" --handler ./handle.sh")
	}
	ex("follow what the engine does", "wfctl records"+b+" --follow")
	ex("move the engine's clock an hour ahead: what falls due by then happens now", "wfctl clock add"+b+" 1h")
	fmt.Fprintln(w, p.Paint(ui.Bold, "... or with any Kafka client:"))
	creation := `{"valueType":"PROCESS_INSTANCE_CREATION","intent":"CREATE","value":{"bpmnProcessId":"` + created + `"` + vars + `}}`
	ex("start an instance: a command on "+devproto.TopicCommands, `echo '`+creation+`' | `+kcat(`-P -t `+devproto.TopicCommands+` -H `+devproto.HeaderRequest+`=r-1`))
	topic := "orders"
	if len(domainTopics) > 0 {
		topic = domainTopics[0]
	}
	ex("an event on a domain topic becomes a message", `echo '{"type":"PaymentReceived","orderId":"o-1"}' | `+kcat(`-P -t `+topic+` -k o-1`))
	ex("jobs for workers, keyed by type (complete one with a JOB COMPLETE command)",
		kcat(`-C -t `+devproto.TopicJobs+` -X isolation.level=read_committed -f '%k %s\n'`))
	ex("everything the engine did", kcat(`-C -t `+devproto.TopicRecords+` -X isolation.level=read_committed -f '%h %s\n'`))
}

// authProps are the client properties a broker with SASL or TLS needs.
func authProps(o *devOptions) string {
	var props []string
	switch {
	case len(o.SASLUsers) > 0 && o.TLSCert != "":
		props = append(props, "-X security.protocol=SASL_SSL")
	case len(o.SASLUsers) > 0:
		props = append(props, "-X security.protocol=SASL_PLAINTEXT")
	case o.TLSCert != "":
		props = append(props, "-X security.protocol=SSL")
	}
	if o.TLSCert != "" {
		props = append(props, "-X ssl.ca.location="+o.TLSCert)
	}
	if len(o.SASLUsers) > 0 {
		name, _, _ := strings.Cut(o.SASLUsers[0], ":")
		props = append(props, "-X sasl.mechanism=SCRAM-SHA-256", "-X sasl.username="+name, "-X sasl.password=…")
	}
	return strings.Join(props, " ")
}
