package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/dev"
	"github.com/wfctl/wfctl/pkg/ui"
	"github.com/wfctl/wfctl/pkg/validate"
)

// devOptions are dev's dependencies and flag values.
type devOptions struct {
	f          *Factory
	g          *globalOptions
	Port       int
	Listen     string
	Advertise  string
	DataDir    string
	InMemory   bool
	Models     string
	NoLint     bool
	Topics     []string
	Partitions int
	// Limits (0: the server's defaults).
	MaxCommand, MaxDocument, MaxRecords byteSize
	// SASLUsers are NAME:PASSWORD; TLSCert and TLSKey PEM files.
	SASLUsers       []string
	TLSCert, TLSKey string
	// SnapshotEvery is records between snapshots; -1 never.
	SnapshotEvery int

	portSet, dataDirSet bool
}

func newDevCmd(f *Factory, g *globalOptions, runF func(context.Context, *devOptions) error) *cobra.Command {
	opts := &devOptions{f: f, g: g}
	cmd := &cobra.Command{
		Use:   "dev [--port 9092] [--data-dir .wfctl/dev | --in-memory] [--models DIR] [--topics orders,...]",
		Short: "Run a local Kafka broker with the workflow engine attached",
		Long: `Start a Kafka-compatible broker in this process, with the workflow engine
attached to it through topics any Kafka client can use:

  wfctl.commands     engine commands in JSON (deploy, create instance, publish
                     message, complete job, ...), processed in order
  wfctl.records      every record the engine writes, in JSON, with the request
                     id of the command that caused it and a done marker per command
  wfctl.deployments  each deployed process version (compacted, key = process id)
  wfctl.jobs         jobs for workers, keyed by job type: complete one by writing
                     a COMPLETE command to wfctl.commands
  domain topics      --topics, or a model's zeebe:property wfctl.topic: their
                     records become messages, mapped as 'wfctl trace' maps them

The broker listens on 127.0.0.1 only, unless --listen says otherwise. State is
kept in --data-dir (every write synced to disk): stop or kill wfctl dev at any
moment and start it again, and every deployment, instance, job, timer and
variable is back. --models deploys a folder's models at start and again when
they change, each on the terms of 'wfctl deploy': validated with the nearest
.bpmnlintrc, a model with errors is not deployed (its diagnostics are printed)
unless they are lint errors and --no-lint is given; errors of the engine rules
(wfctl/...) always block.

When the broker accepts connections and the engine is running, a line
"ready HOST:PORT" is printed on standard output, alone, for scripts to wait
for (with -o json, one JSON object with "ready" instead). The rest (banner,
deployments, diagnostics) goes to standard error. Ctrl-C stops it cleanly.
Exit code 3 when the port is taken or the data folder is in use.`,
		Example: `  wfctl dev
  wfctl dev --models models/ --topics orders
  wfctl dev --port 0 --data-dir /tmp/wfctl-dev      # any free port, printed in the ready line
  wfctl dev --listen 0.0.0.0 --advertise kafka:9092  # in a container`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.portSet, opts.dataDirSet = cmd.Flags().Changed("port"), cmd.Flags().Changed("data-dir")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDev(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Port, "port", 9092, "port to listen on (0: any free port)")
	fl.StringVar(&opts.Listen, "listen", "", "host or host:port to listen on (default 127.0.0.1: this machine only)")
	fl.StringVar(&opts.Advertise, "advertise", "", "host:port clients are told to connect to, when not the listen address")
	fl.StringVar(&opts.DataDir, "data-dir", ".wfctl/dev", "folder that keeps the broker's log and with it the engine's state")
	fl.BoolVar(&opts.InMemory, "in-memory", false, "keep nothing on disk: the state is lost when wfctl dev stops")
	fl.StringVar(&opts.Models, "models", "", "deploy the models (*.bpmn) in this folder, and again when they change")
	fl.BoolVar(&opts.NoLint, "no-lint", false, "deploy --models despite lint errors (engine-rule errors still block), as deploy --no-lint")
	fl.StringSliceVar(&opts.Topics, "topics", nil, "domain topics whose records become messages (comma-separated)")
	fl.IntVar(&opts.Partitions, "partitions", dev.DefaultPartitions, "partitions of a domain topic wfctl dev creates")
	opts.MaxCommand, opts.MaxDocument, opts.MaxRecords = dev.DefaultMaxCommandSize, dev.DefaultMaxDocumentSize, dev.DefaultMaxRecordsSize
	fl.StringArrayVar(&opts.SASLUsers, "sasl-user", nil, "require SASL (SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN) and accept this NAME:PASSWORD (repeatable)")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "serve TLS with this certificate (PEM; with --tls-key)")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "the private key of --tls-cert (PEM)")
	fl.IntVar(&opts.SnapshotEvery, "snapshot-every", dev.DefaultSnapshotEvery, "snapshot the state into the data folder every N records written (restarts fold only what follows); -1 never")
	fl.Var(&opts.MaxCommand, "max-command-size", "largest command on wfctl.commands or record on a domain topic the broker and the engine take")
	fl.Var(&opts.MaxDocument, "max-document-size", "largest variable document (a command's variables, a domain record) or deployment resource")
	fl.Var(&opts.MaxRecords, "max-records-size", "most the engine may write for one input, together (and the largest record on wfctl.records and wfctl.jobs)")
	return withFormats(cmd, "text", "json", "ndjson")
}

// serverOptions checks the flags and turns them into the server's options.
func (o *devOptions) serverOptions() (dev.Options, error) {
	var so dev.Options
	listen, err := o.listenAddr()
	if err != nil {
		return so, err
	}
	if o.InMemory && o.dataDirSet {
		return so, usageErrorf("--in-memory and --data-dir exclude each other: state is kept in a folder, or in memory")
	}
	if o.Partitions < 1 || o.Partitions > 10000 {
		return so, usageErrorf("--partitions %d: want 1 to 10000", o.Partitions)
	}
	so = dev.Options{Listen: listen, Advertise: o.Advertise, Topics: o.Topics, Partitions: o.Partitions, Now: o.f.Now,
		SnapshotEvery: o.SnapshotEvery,
		Limits:        dev.Limits{Command: int(o.MaxCommand), Document: int(o.MaxDocument), Records: int(o.MaxRecords)}}
	if !o.InMemory {
		so.DataDir = validate.Resolve(o.f.WorkDir, o.DataDir)
	}
	for _, u := range o.SASLUsers {
		name, password, ok := strings.Cut(u, ":")
		if !ok || name == "" || password == "" {
			return so, usageErrorf("--sasl-user %q: want NAME:PASSWORD, both not empty", u)
		}
		so.Users = append(so.Users, dev.User{Name: name, Password: password})
	}
	switch {
	case (o.TLSCert == "") != (o.TLSKey == ""):
		return so, usageErrorf("--tls-cert and --tls-key go together: give both, or neither")
	case o.TLSCert != "":
		cert, err := tls.LoadX509KeyPair(validate.Resolve(o.f.WorkDir, o.TLSCert), validate.Resolve(o.f.WorkDir, o.TLSKey))
		if err != nil {
			return so, usageErrorf("--tls-cert %s with --tls-key %s: %v", o.TLSCert, o.TLSKey, err)
		}
		so.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if o.Models != "" {
		so.ModelsDir = validate.Resolve(o.f.WorkDir, o.Models)
		if st, err := os.Stat(so.ModelsDir); err != nil || !st.IsDir() {
			return so, usageErrorf("--models %s: no such folder", o.Models)
		}
		gate, err := deployGate(o.f, "", o.NoLint)
		if err != nil {
			return so, err
		}
		so.Gate = modelsGate(o.f, gate, o.Models)
	}
	return so, nil
}

// modelsGate judges the models of --models as 'wfctl deploy' judges
// files: the same gate, the model shown and matched against the config's
// overrides by its path below the folder as typed (models/order.bpmn).
func modelsGate(f *Factory, gate *validate.Gate, models string) dev.Gate {
	return func(model string, content []byte) (string, bool) {
		v := gate.CheckSource(filepath.Join(models, filepath.FromSlash(model)), content)
		var b strings.Builder
		if v.Shown() {
			_ = validate.Write(&b, "text", v.Result, f.Build.Version, f.IO.PainterErr())
		}
		b.WriteString(v.Reason())
		return strings.TrimRight(b.String(), "\n"), !v.Blocked()
	}
}

// listenAddr is --listen (a host, or host:port) with --port.
func (o *devOptions) listenAddr() (string, error) {
	if o.Port < 0 || o.Port > 65535 {
		return "", usageErrorf("--port %d: want 0 to 65535 (0: any free port)", o.Port)
	}
	if _, _, err := net.SplitHostPort(o.Listen); err == nil {
		if o.portSet {
			return "", usageErrorf("--listen %s already has a port: leave out --port", o.Listen)
		}
		return o.Listen, nil
	}
	host := strings.Trim(o.Listen, "[]")
	if host == "" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return "", usageErrorf("--listen %q: want a host, or host:port", o.Listen)
	}
	return net.JoinHostPort(host, strconv.Itoa(o.Port)), nil
}

func runDev(ctx context.Context, opts *devOptions) error {
	so, err := opts.serverOptions()
	if err != nil {
		return err
	}
	f := opts.f
	if so.DataDir != "" {
		privateFiles()
	}
	if host, _, _ := net.SplitHostPort(so.Listen); len(so.Users) == 0 && !isLoopback(host) {
		f.IO.Warnf("listening on %s without SASL: anyone who can reach this port can drive the engine and read every variable; add --sasl-user NAME:PASSWORD", so.Listen)
	}
	var started atomic.Bool
	so.Notify = func(n dev.Notice) { printNotice(f, n, started.Load()) }
	t0 := f.Now()
	s, err := dev.Start(ctx, so)
	if err != nil {
		return devStartError(err)
	}
	started.Store(true)
	if err := printReady(opts, s, f.Now().Sub(t0)); err != nil {
		s.Close()
		return &InfraError{Err: err}
	}
	select {
	case <-ctx.Done():
	case <-s.Done():
	}
	if err := s.Close(); err != nil {
		where := "its state was kept in memory (--in-memory) and is gone"
		if s.DataDir() != "" {
			where = "its state is safe in " + s.DataDir() + ": start wfctl dev again"
		}
		return &InfraError{Err: fmt.Errorf("wfctl dev stopped: %w; %s", err, where)}
	}
	fmt.Fprintln(f.IO.ErrOut, "wfctl dev stopped")
	return nil
}

// devStartError maps the server's start errors to exit codes: a flag
// the broker cannot use is a usage error, anything else (a taken port, a
// locked data folder) an infrastructure error.
func devStartError(err error) error {
	var oe *dev.OptionError
	var boe *broker.OptionError
	switch {
	case errors.As(err, &oe):
		return usageErrorf("--%s", oe)
	case errors.As(err, &boe):
		return &UsageError{Err: err}
	case errors.Is(err, context.Canceled):
		return &InfraError{Err: errors.New("interrupted")}
	}
	return &InfraError{Err: err}
}

// printReady prints the banner on stderr, then the ready line on stdout.
func printReady(opts *devOptions, s *dev.Server, took time.Duration) error {
	f := opts.f
	fmt.Fprint(f.IO.StyledErr(), devBanner(f.IO.PainterErr(), s, opts, took))
	// The ready line is one line in every format, for scripts to wait for.
	ready := map[string]any{"ready": s.Addr(), "listen": s.ListenAddr(),
		"dataDir": s.DataDir(), "persistent": s.DataDir() != "", "domainTopics": nonNil(s.DomainTopics())}
	if opts.g.Output != "text" {
		return writeNDJSON(f.IO.Out, ready)
	}
	_, err := fmt.Fprintf(f.IO.Out, "ready %s\n", s.Addr())
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printNotice(f *Factory, n dev.Notice, started bool) {
	p := f.IO.PainterErr()
	w := f.IO.StyledErr()
	switch n.Kind {
	case dev.ModelDeployed, dev.ModelUnchanged:
		var procs []string
		for _, pm := range n.Processes {
			procs = append(procs, fmt.Sprintf("%s v%d", pm.BPMNProcessID, pm.Version))
		}
		for _, d := range n.Decisions {
			procs = append(procs, fmt.Sprintf("decision %s v%d", d.DecisionID, d.Version))
		}
		verb := p.Paint(ui.Green, "deployed")
		if n.Kind == dev.ModelUnchanged {
			verb = p.Paint(ui.Faint, "unchanged")
		}
		fmt.Fprintf(w, "%s %s: %s\n", verb, n.Model, strings.Join(procs, ", "))
		if n.Message != "" { // the gate's warnings
			fmt.Fprintln(w, indent(n.Message))
		}
	case dev.ModelRejected:
		fmt.Fprintf(w, "%s %s was not deployed:\n%s\n", p.Paint(ui.BoldRed, "error:"), n.Model, indent(n.Message))
	case dev.ModelUnreadable:
		fmt.Fprintf(w, "%s %s: %s\n", p.Paint(ui.BoldRed, "error:"), n.Model, n.Message)
	case dev.TopicInvalid:
		f.IO.Warnf("topic %s", n.Message)
	case dev.InputSetAside:
		fmt.Fprintf(w, "%s %s set aside: %s; the engine rebuilt its state from what was committed and goes on without it (a command is answered with a rejection)\n",
			p.Paint(ui.BoldRed, "error:"), n.Input, n.Message)
	case dev.InputRefused:
		f.IO.Warnf("%s %s", n.Input, n.Message)
	case dev.SnapshotFailed:
		f.IO.Warnf("snapshot: %s", n.Message)
	case dev.TopicAdded:
		if started { // before, the banner lists them
			fmt.Fprintf(w, "consuming topic %s\n", n.Topic)
		}
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "  " + strings.Join(lines, "\n  ")
}

// isLoopback reports whether a listen host is this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
