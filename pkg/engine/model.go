package engine

import (
	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/bpmn/timersyntax"
	"github.com/wfctl/wfctl/pkg/feel"
)

// processModel is a process compiled from its model once: every
// expression parsed, every timer value read, every reference resolved.
// It is immutable after compilation and shared: by every version
// deployed from it and, through [Models], by every engine it is deployed
// into, running on any goroutine. Records may point into it (element
// ids, job types, headers) without copying. What an engine changes about
// a deployed version (its key, version and element counts) lives in
// process.
type processModel struct {
	id           string
	name         string
	resourceName string
	checksum     string
	resource     []byte
	root         *element
	elements     []*element
	byID         map[string]*element
	flowsByID    map[string]*flow
	flows        []*flow // by index
	msgStarts    []*element
	timerStarts  []*element
	signalStarts []*element
	messageNames []string // message names of msgStarts, same order
}

// process is a process version deployed in an engine: a shared compiled
// model with the key and version this engine gave it and the counts of
// its elements' instances, which only this engine changes.
type process struct {
	*processModel
	key     int64
	version int32
	counts  []ElementCount // by element index
}

// newProcess makes a deployed version of a compiled model.
func newProcess(m *processModel, key int64, version int32) *process {
	p := &process{processModel: m, key: key, version: version, counts: make([]ElementCount, len(m.elements))}
	for _, el := range m.elements {
		p.counts[el.idx] = ElementCount{BPMNProcessID: m.id, Version: version, ProcessDefinitionKey: key,
			ElementID: el.id, ElementType: el.typ}
	}
	return p
}

// element is an executable flow node (or the process itself).
type element struct {
	id   string
	name string
	typ  ElementType
	evt  EventType
	idx  int
	// model is the process the element belongs to (shared: an element
	// instance knows its deployed version, elementInstance.proc).
	model *processModel
	// scope is the element whose instance is the flow scope of this
	// element's instances: the process or a sub-process.
	scope *element

	in, out []*flow
	def     *flow
	// joins is set on a parallel or inclusive gateway with several
	// incoming flows; inclusive holds an inclusive join's reachability.
	joins     bool
	inclusive *inclusiveJoin

	start        *element   // containers: the none start event; event sub-processes: their start event
	eventStarts  []*element // containers: the start events of their event sub-processes
	boundaries   []*element // activities: attached boundary events
	attachedTo   *element   // boundary events
	interrupting bool       // boundary events (and start events)
	// targets are the events an event-based gateway waits for.
	targets []*element
	// waits are the events an instance waiting at el subscribes to: its
	// own event (or an event-based gateway's targets), then its boundary
	// events. scopeEvents are those of a process or sub-process instance:
	// boundary events, then event sub-process starts. Both are computed
	// once at compile time so that activation allocates nothing.
	waits, scopeEvents []*element
	// opensSubs is set when el's instances open message subscriptions
	// (see waitingInstance).
	opensSubs bool
	// call is set on a call activity.
	call *callDef
	// mi is set on a multi-instance body; body on the activity it runs.
	mi   *miDef
	body *element
	// link is a link throw event's catch event.
	link     *element
	linkName string

	job    *jobDef
	msg    *messageDef
	signal *signalDef
	// compHandler is a compensable activity's compensation handler (on a
	// multi-instance activity's iteration); forCompensation marks a
	// handler; compRef is a compensation throw event's activityRef.
	compHandler     *element
	forCompensation bool
	compRef         string
	// adhoc is set on an ad-hoc sub-process.
	adhoc *adHocDef
	// behave is what the element does once activated (behavior.go).
	behave behavior
	// listeners are its execution listeners (start, end) and, on a user
	// task, its task listeners (creating, completing), by kind-1.
	listeners [listenerKinds][]listenerDef
	timer     *timerDef
	// code is an error or escalation event's code ("" with catchAll);
	// codeExpr an escalation throw event's code given as an expression.
	code         string
	codeExpr     *feel.Expr
	catchAll     bool
	inputs       []mapping
	outputs      []mapping
	script       *feel.Expr
	resultVar    string
	decision     string
	decisionExpr *feel.Expr
}

// flow is a sequence flow.
type flow struct {
	self      []*flow // []*flow{this flow}, to pass one flow without allocating
	id        string
	idx       int
	src, dst  *element
	cond      *feel.Expr
	condValue any // a static (non-FEEL) condition's value: never a boolean, as in Zeebe
	hasCond   bool
}

// jobDef is what a job worker task (or message throw event) creates.
type jobDef struct {
	// headerExprs are headers whose values are expressions (a user
	// task's assignee), evaluated when the job is created.
	headerExprs map[string]*feel.Expr
	typ         string
	typExpr     *feel.Expr
	retries     int32
	retriesExpr *feel.Expr
	badRetries  bool // a static value that is not a number
	retriesText string
	headers     map[string]string
}

// messageDef is a message catch element's subscription.
type messageDef struct {
	name        string
	nameExpr    *feel.Expr
	corrKey     string
	corrKeyExpr *feel.Expr
	// corrKeyVar is set when corrKeyExpr is a plain variable name (the
	// usual "=orderId"): its value, when it is a string, is the key
	// without evaluating FEEL.
	corrKeyVar string
}

// timerDef is a timer event's definition: a static value read at deploy,
// or a FEEL expression evaluated when the timer is created.
type timerDef struct {
	kind  bpmn.TimerType
	expr  *feel.Expr
	value timerValue
}

// timerValue is a timer value read from text or from a FEEL result.
type timerValue struct {
	duration  timersyntax.Duration
	interval  timersyntax.Interval
	date      int64
	repeating *timersyntax.RepeatingInterval
	cron      *timersyntax.Cron
}

// mapping is one input or output mapping. Target may be a path (a.b.c).
type mapping struct {
	path   []string
	source *feel.Expr
	static any
}

// ElementCount counts the instances of one element of one process
// version: how many are active now and how many completed or were
// terminated so far. Counts of completed instances survive the
// instances, so that a long replay can report them after their state was
// dropped.
type ElementCount struct {
	BPMNProcessID        string      `json:"bpmnProcessId"`
	Version              int32       `json:"version"`
	ProcessDefinitionKey int64       `json:"processDefinitionKey"`
	ElementID            string      `json:"elementId"`
	ElementType          ElementType `json:"elementType"`
	Active               int64       `json:"active"`
	Completed            int64       `json:"completed"`
	Terminated           int64       `json:"terminated"`
}

// waitsForFlow reports whether activating el consumes a taken sequence
// flow (everything but start and boundary events and the process).
func (el *element) waitsForFlow() bool {
	return len(el.in) > 0 && el.typ != ElementStartEvent && el.typ != ElementBoundaryEvent
}

// waitsForEvent reports whether el waits for its own message or timer
// when activated: receive tasks and intermediate catch events, except
// those after an event-based gateway (activated by their event). Start
// and boundary events are activated by theirs.
func (el *element) waitsForEvent() bool {
	if el.typ != ElementReceiveTask && el.typ != ElementIntermediateCatchEvent {
		return false
	}
	return (el.msg != nil || el.timer != nil || el.signal != nil) && !el.afterEventGateway()
}

func (el *element) afterEventGateway() bool {
	return len(el.in) == 1 && el.in[0].src.typ == ElementEventBasedGateway
}

// inEventSub reports whether el is the start event of an event
// sub-process.
func (el *element) inEventSub() bool {
	return el.typ == ElementStartEvent && el.scope.typ == ElementEventSubProcess
}

// canInterrupt reports whether el's event interrupts what it is attached
// to: boundary events and event sub-process start events say so
// themselves; a catch event's own subscription always closes.
func (el *element) canInterrupt() bool {
	if el.typ == ElementBoundaryEvent || el.inEventSub() {
		return el.interrupting
	}
	return true
}

// hasJob reports whether el's instances work through a job.
func (el *element) hasJob() bool { return el.job != nil }
