package engine

import (
	"errors"
	"slices"

	"github.com/wfctl/wfctl/bpmn/lint"
)

// Models are BPMN resources parsed, validated and compiled once, to be
// deployed into any number of engines.
//
// Compiling is most of what a deployment costs (parsing the XML, running
// the validator's rules, parsing every FEEL expression); a program that
// runs many engines with the same models (wfctl trace shards a replay
// across one engine per CPU) compiles them once with [CompileModels] and
// deploys them into each engine with [Engine.DeployModels].
//
// Models are immutable and safe for concurrent use: engines on different
// goroutines share the compiled element graph, expressions and timer
// definitions read-only, while everything a deployment or a run changes
// (process keys, versions, element counts, instances) lives in each
// engine. The resources' contents are shared too, and must not be
// modified after CompileModels.
type Models struct {
	resources []Resource
	procs     []*processModel // in deployment order
	drgs      []*drgModel     // the .dmn resources, in deployment order
}

// CompileModels parses, validates (with cfg; nil means
// lint.DefaultConfig()) and compiles resources exactly as a Deploy of
// them would. A deployment the engine would reject is an error with the
// same diagnostics (file:line:col: message [rule]) a rejected Deploy
// returns: the same *RejectionError, so that a caller cannot tell the two
// apart.
func CompileModels(cfg *lint.Config, resources ...Resource) (*Models, error) {
	if cfg == nil {
		cfg = lint.DefaultConfig()
	}
	resources = slices.Clone(resources) // the caller's slice may change; the contents may not
	m, err := compileDeployment(lint.New(cfg), resources)
	if rej, ok := err.(*RejectionError); ok {
		rej.ValueType, rej.Intent = ValueDeployment, IntentCreate // as Process reports a rejected command
	}
	return m, err
}

// DeployModels deploys precompiled models as Deploy(resources...) would,
// without parsing, validating or compiling them again: the same records,
// keys and versions, the same duplicate detection (a resource whose name
// and checksum equal the latest version's makes no new version), the same
// message and timer start events opened. It returns the processes of the
// deployment, new versions and duplicates alike.
func (e *Engine) DeployModels(m *Models) ([]ProcessMetadata, error) {
	if m == nil {
		return nil, errors.New("engine: DeployModels: no models (use the result of CompileModels)")
	}
	e.begin()
	e.precompiled = m
	defer func() { e.precompiled = nil }() // consumed by deploy, unless a rejection came first
	v := &DeploymentValue{Resources: m.resources}
	if _, err := e.process(Command{ValueType: ValueDeployment, Intent: IntentCreate, Key: -1, Value: v}); err != nil {
		return nil, err
	}
	return e.lastDeployed, nil
}
