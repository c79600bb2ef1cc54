package engine

import (
	"time"

	"github.com/wfctl/wfctl/bpmn/lint"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Engine is one partition of a Zeebe-style workflow engine: it takes
// commands and returns the records they caused. It does no I/O, starts no
// goroutine and reads no clock but the one it is given. An Engine is not
// safe for concurrent use; run one per partition.
type Engine struct {
	partition int32
	clock     func() time.Time
	onEnded   func(InstanceEnd)
	observer  Observer
	recording bool
	linter    *lint.Linter // made on first use (deployLinter)

	// The state: changed only by applying events, the functions that
	// apply* call once they have decoded a record (see note).
	now         int64
	keyCounter  int64
	position    int64
	processes   map[int64]*process
	versions    map[string][]*process
	roots       map[int64]*elementInstance // process instances
	fresh       map[int64]*elementInstance // process instances created in this command
	jobs        map[int64]*job
	jobQueues   map[string]*jobQueue
	startTimers map[int64]*timer // timers of timer start events; others hang off their instance
	timerCount  int              // pending timers, all of them
	// timerSlots holds the key of each pending timer in its slot (0:
	// free), so that the due list tells stale entries without reading
	// the timers, scattered in memory (due.go). freeSlots are free.
	timerSlots []int64
	freeSlots  []int32
	byKey      map[string]keyEntry // subscriptions and message starts by correlation key (keyindex.go)
	keysPeak   int                 // the most keys byKey held since it was last built
	keyCache   keyCache            // the entry of the key used last, held out of byKey
	startSubs  map[string][]*startSub
	signalSubs map[string][]*signalSub // by name, in key order
	// compSubs are the compensation subscriptions by process instance,
	// in key (completion) order; compByHandler the triggered ones by
	// their handler's instance key.
	compSubs      map[int64][]*compSub
	compByHandler map[int64]*compSub
	// compBoundaries are the compensation boundary events activated in
	// this command, by instance key, with the subscription whose handler
	// follows them. It never outlives a command.
	compBoundaries map[int64]*compSub
	// Deployed decisions: DRG versions by key and by id, decision
	// versions by id (oldest first).
	drgs             map[int64]*drg
	drgVersions      map[string][]*drg
	decisionVersions map[string][]*decision
	compiledDRG      map[int64]*drgModel   // deploy: DRGs parsed before their CREATED event
	startedMore      map[startKey]struct{} // instances started by message whose key's entry names another process id (keyindex.go)
	messages         map[int64]*message
	msgIndex         map[corrKey]*message
	msgIDs           map[[3]string]*message
	incidents        map[int64]*incident
	due              dueHeap
	stats            Stats
	tickTo           int64 // while a tick runs, the time it moves the clock to

	// Processing scratch, reused across commands.
	records        []Record
	cmdPos         int64
	queue          []step
	qpos           int // the step drain runs now
	arena          arena
	vars           scopeVars
	hintEI         *elementInstance
	compiled       map[int64]*processModel // deploy: processes compiled before their CREATED event
	published      PublishResult
	pendingStart   pendingStart
	rootVars       map[int64][]variable // variables of process instances about to be activated
	espVars        map[string]any       // the event of an event sub-process being activated
	names          []string
	pending        []pendingEvent
	feelOpts       []feel.Option
	deadEIs        []*elementInstance // removed during this command: reused after it
	freeEIs        []*elementInstance
	freeWaiting    []*elementInstance // allocated as waitingInstance
	deadVars       [][]variable       // variables of scopes removed during this command
	freeVars       [][]variable
	deadJobs       []*job
	freeJobs       []*job
	deadSubs       []*subscription
	freeSubs       []*subscription
	deadTimers     []*timer
	freeTimers     []*timer
	peakRoots      int
	steps          int
	guard          map[*elementInstance]int
	lastCreated    int64
	lastSignal     int64
	lastEvaluation *DecisionEvaluationValue
	eventStarts    []eventStart // queued by the records that start instances with start listeners
	lastBatch      *JobBatchValue
	lastDeployed   []ProcessMetadata
	precompiled    *Models // DeployModels hands its models to deploy
}

// Stats counts process instances over the engine's life.
type Stats struct {
	// Created, Completed and Terminated count process instances.
	Created, Completed, Terminated int64
	// Active is the number of process instances alive now.
	Active int64
}

// Option configures an Engine.
type Option func(*Engine)

// WithPartition sets the partition the engine owns (default 1). Keys carry
// it in their high bits, so engines of different partitions never hand
// out the same key.
func WithPartition(p int32) Option { return func(e *Engine) { e.partition = p } }

// WithStartTime sets the engine clock's initial time (default: the Unix
// epoch). The clock then moves only with Tick and AdvanceTime commands.
func WithStartTime(t time.Time) Option { return func(e *Engine) { e.now = t.UnixMilli() } }

// WithClock makes the engine read now() before every command; when it is
// later than the engine clock, the engine first processes a Tick to that
// time (its records come before the command's). Use it to run against
// wall-clock time (wfctl dev); leave it out for replays, which drive time
// with Tick.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.clock = now } }

// WithoutRecords makes Process and the helpers return no records: the
// state changes as usual, but records are not materialised, which saves
// their cost when only the state matters (wfctl trace).
func WithoutRecords() Option { return func(e *Engine) { e.recording = false } }

// WithLintConfig sets the validator configuration deployments are checked
// with (default lint.DefaultConfig()). Only errors of engine rules
// ("wfctl/...") and parse errors reject a deployment.
func WithLintConfig(cfg *lint.Config) Option { return func(e *Engine) { e.linter = lint.New(cfg) } }

// New returns an engine with an empty state.
func New(opts ...Option) *Engine {
	e := &Engine{partition: 1, recording: true}
	e.initState()
	for _, o := range opts {
		o(e)
	}
	return e
}

func (e *Engine) initState() {
	e.processes = map[int64]*process{}
	e.versions = map[string][]*process{}
	e.roots = map[int64]*elementInstance{}
	e.fresh = map[int64]*elementInstance{}
	e.jobs = map[int64]*job{}
	e.jobQueues = map[string]*jobQueue{}
	e.startTimers = map[int64]*timer{}
	e.byKey = map[string]keyEntry{}
	e.startSubs = map[string][]*startSub{}
	e.signalSubs = map[string][]*signalSub{}
	e.compSubs = map[int64][]*compSub{}
	e.drgs = map[int64]*drg{}
	e.drgVersions = map[string][]*drg{}
	e.decisionVersions = map[string][]*decision{}
	e.compiledDRG = map[int64]*drgModel{}
	e.compByHandler = map[int64]*compSub{}
	e.compBoundaries = map[int64]*compSub{}
	e.startedMore = map[startKey]struct{}{}
	e.messages = map[int64]*message{}
	e.msgIndex = map[corrKey]*message{}
	e.msgIDs = map[[3]string]*message{}
	e.incidents = map[int64]*incident{}
	e.compiled = map[int64]*processModel{}
	e.vars.e = e
	e.feelOpts = []feel.Option{feel.WithClock(func() time.Time { return time.UnixMilli(e.now).UTC() })}
}

// Partition returns the partition the engine owns.
func (e *Engine) Partition() int32 { return e.partition }

// Now returns the engine clock.
func (e *Engine) Now() time.Time { return time.UnixMilli(e.now).UTC() }

// Position returns the position of the last record written or applied.
func (e *Engine) Position() int64 { return e.position }

// Stats returns instance counts.
func (e *Engine) Stats() Stats { return e.stats }
