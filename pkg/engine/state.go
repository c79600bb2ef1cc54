package engine

// The engine's state. It changes only where an event record is applied
// (apply*.go), so that replaying the events of a run rebuilds it exactly.
// Structures are sized for millions of waiting instances: rarely used
// fields of an element instance sit behind a pointer (eiExtra), variables
// are a short slice, and finished instances are dropped entirely.

// eiState is an element instance's lifecycle state.
type eiState uint8

const (
	stateActivating eiState = iota + 1
	stateActivated
	stateCompleting
	stateTerminating
)

var eiStateIntents = [...]Intent{stateActivating: IntentElementActivating, stateActivated: IntentElementActivated,
	stateCompleting: IntentElementCompleting, stateTerminating: IntentElementTerminating}

// elementInstance is an active instance of an element; the process
// instance is the one without a parent.
type elementInstance struct {
	key int64
	el  *element
	// proc is the deployed version el belongs to: the element graph is
	// shared by versions (and engines), the version is the instance's.
	proc        *process
	parent      *elementInstance
	root        *elementInstance
	activatedAt int64
	children    int32 // active child element instances
	flows       int32 // taken sequence flows not yet consumed by an activation
	loop        int32 // a multi-instance body: inner instances activated so far
	state       eiState
	fresh       bool // created during the current command: indexed in Engine.fresh
	vars        []variable
	job         *job
	subs        *subscription // chained by nextOfEI
	timers      *timer        // chained by nextOfEI
	sub0        *subscription // allocated with it, for its first subscription (see waitingInstance)
	x           *eiExtra
	// startCorrelationKey is the correlation key of the message that
	// started a process instance, if any. (Not in eiExtra: wfctl trace
	// starts every instance so, and an eiExtra more per instance costs
	// more memory and time than the field in each.)
	startCorrelationKey string
	// firstChild, prevSib and nextSib link a flow scope's active
	// children, newest first.
	firstChild, prevSib, nextSib *elementInstance
}

// eiExtra holds what few element instances need.
type eiExtra struct {
	// varIndex finds a variable of a scope with many (see
	// varIndexFrom) by name: setting or reading one costs the same
	// whatever the scope holds.
	varIndex map[string]int32
	// trigger holds the variables of the event that completes the element
	// (a completed job, a correlated message), until it completes.
	trigger    map[string]any
	hasTrigger bool
	// joined counts taken flows per incoming flow of joining gateways in
	// this flow scope, by flow index.
	joined map[int]int32
	// listened counts the listeners of each kind that completed (by
	// kind-1).
	listened [listenerKinds]int8
	// start and startVars are the event start (listeners.go) a process
	// instance with start listeners continues with.
	start     *element
	startVars map[string]any
	// signals are the signal subscriptions this instance holds open.
	signals []*signalSub
	// incidents open on this element instance.
	incidents []*incident
	// timedOut lists timer events an instance went through (on the
	// process instance only).
	timedOut []*element
	// terminateEnd is set on a flow scope whose terminate end event was
	// reached: it completes once its other children are terminated.
	terminateEnd bool
	// caller is a called process instance's call activity; child the
	// process instance a call activity waits for.
	caller, child *elementInstance
	// pending is the boundary event to activate once this instance is
	// terminated, with its variables. It never outlives one command.
	pending     *element
	pendingVars map[string]any
	// pendingStart is the start event of an interrupting event
	// sub-process to activate once this scope's children are terminated,
	// with its event's variables. It never outlives one command.
	pendingStart     *element
	pendingStartVars map[string]any
}

func (ei *elementInstance) extra() *eiExtra {
	if ei.x == nil {
		ei.x = &eiExtra{}
	}
	return ei.x
}

// variable is one variable of a scope.
type variable struct {
	name  string
	value any
	key   int64
}

// jobState is a job's state.
type jobState uint8

const (
	jobActivatable jobState = iota + 1
	jobActivated
	jobFailed
	jobErrorThrown
)

var jobStateNames = [...]string{jobActivatable: "ACTIVATABLE", jobActivated: "ACTIVATED", jobFailed: "FAILED", jobErrorThrown: "ERROR_THROWN"}

// job is a unit of work for a worker.
type job struct {
	key          int64
	ei           *elementInstance
	typ          string
	worker       string
	retries      int32
	state        jobState
	deadline     int64
	recurAt      int64
	errorMessage string
	headers      map[string]string
	listener     uint8 // a listener job's kind (listeners.go)
	prev, next   *job  // in the type's queue while activatable
	queue        *jobQueue
}

// jobQueue lists one type's activatable jobs in key order.
type jobQueue struct {
	head, tail *job
	n          int
}

// timer is a pending timer of an element instance (or of a timer start
// event, with ei nil).
type timer struct {
	key         int64
	ei          *elementInstance
	el          *element
	proc        *process
	due         int64
	repetitions int32
	slot        int32 // in Engine.timerSlots while pending
	nextOfEI    *timer
}

// subscription is an element instance waiting for a message.
type subscription struct {
	key          int64
	ei           *elementInstance
	el           *element
	name         string
	corrKey      string
	interrupting bool
	nextOfEI     *subscription
	prev, next   *subscription // in the (name, correlation key) list
	nextName     *subscription // a list's head: the next name's head with its key (subindex.go)
}

// corrKey indexes subscriptions and messages by name and correlation key.
type corrKey struct{ name, key string }

// startSub is the subscription of a deployed message start event.
type startSub struct {
	key  int64
	proc *process
	el   *element
	name string
}

// startKey identifies the active instance a message started, per process
// id and correlation key.
type startKey struct{ processID, corrKey string }

// message is a buffered message.
type message struct {
	key        int64
	name       string
	corrKey    string
	id         string
	vars       map[string]any
	ttl        int64
	deadline   int64
	correlated []string // process ids it correlated to
	prev, next *message // in the (name, correlation key) bucket, key order
}

// incident is an open incident.
type incident struct {
	key       int64
	typ       ErrorType
	msg       string
	ei        *elementInstance
	jobKey    int64
	createdAt int64
}

// dueKind says what a due-list entry is about.
type dueKind uint8

const (
	dueTimer dueKind = iota + 1
	dueJobDeadline
	dueJobBackoff
	dueMessage
)
