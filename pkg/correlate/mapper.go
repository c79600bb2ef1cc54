package correlate

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/wfctl/wfctl/bpmn"
)

// Options override where a mapping takes what; nil fields keep the
// defaults (see the package documentation).
type Options struct {
	// Name is where the message name comes from (default: the ce_type
	// header, else the JSON field "type").
	Name *Source
	// CorrelationKey is where the correlation key comes from (default:
	// the model's correlationKey expressions).
	CorrelationKey *Source
	// EventTime is where the event time comes from (default: the record
	// timestamp).
	EventTime *Source
	// AllVariables makes every message carry all its record's JSON
	// fields, whatever the models read: a live engine hands them on to
	// workers (wfctl dev, as Zeebe's Kafka connectors do). trace leaves
	// it off and decodes only what the models read.
	AllVariables bool
}

// Message is what a record becomes: a message to publish to the engine.
type Message struct {
	Name           string
	CorrelationKey string
	// Time is the event time: the record's timestamp, or the field
	// Options.EventTime names.
	Time time.Time
	// Variables are the record's JSON fields the model reads; nil when
	// the message needs none. Only when the models read variables
	// beyond correlation keys (conditions, mappings, ...), or with
	// Options.AllVariables, does a message carry all its record's
	// fields, which saves decoding every record.
	Variables map[string]any
}

// ErrNotModelled is Map's answer for a record whose message name no
// model waits for: not a fault of the record, and not a message.
var ErrNotModelled = errors.New("no model waits for this message name")

// Reasons a record does not become a message.
var (
	errNotJSON = errors.New("value is not a JSON object")
	errNoName  = errors.New(`no message name (no ce_type header, no "type" field)`)
)

// Mapper turns records into messages for a set of models. It is built
// once and safe for concurrent use.
type Mapper struct {
	opts     Options
	keyExprs map[string]*keyExpr // by message name
	// startKey is used for messages without a subscription (message start
	// events): the expression the process's other messages correlate on.
	startKey *keyExpr
	// known are the message names the models wait for; starts those of
	// message start events.
	known, starts map[string]bool
	// needVars is set when the models read variables beyond correlation.
	needVars bool
	// keyVars are the variables correlation keys read: without needVars,
	// messages carry only these (subscriptions evaluate their key in the
	// instance's variables, so an instance needs them).
	keyVars []string
	// keyOnly marks messages whose only key variable is their own
	// correlation key: merged into an instance it correlated with, it
	// would change nothing (the subscription matched that very value), so
	// such messages carry no variables unless they start an instance.
	keyOnly map[string]bool
	// inject are, with a CorrelationKey override, the variable paths the
	// models' key expressions read: a start message carries the key there,
	// so that its instance's subscriptions open on that key.
	inject  []string
	routing Routing
	// names are the message names the models wait for, with what Map
	// needs to know of each, so that a record costs one lookup.
	names map[string]*nameInfo
}

// nameInfo is what the mapping knows of a message name.
type nameInfo struct {
	name    string // the model's copy, shared by every message
	start   bool
	keyOnly bool
	key     *keyExpr // keyExprFor(name)
}

// NewMapper prepares the mapping for a set of models. A correlation key
// expression that does not compile is an error naming its file:line:col.
func NewMapper(docs []*bpmn.Document, o Options) (*Mapper, error) {
	m := &Mapper{opts: o, keyExprs: map[string]*keyExpr{}, known: map[string]bool{}, starts: map[string]bool{}}
	counts := map[string]int{}
	for _, doc := range docs {
		d := doc.Definitions
		for _, msg := range d.Messages {
			if msg.Name == "" || !messageUsed(d, msg) {
				continue
			}
			m.known[msg.Name] = true
			sub := msg.Zeebe.Subscription
			if sub == nil || strings.TrimSpace(sub.CorrelationKey) == "" {
				continue
			}
			ke, err := compileKey(sub.CorrelationKey)
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: message %q: correlation key %s: %w", doc.Path, sub.Pos.Line, sub.Pos.Column, msg.Name, sub.CorrelationKey, err)
			}
			m.keyExprs[msg.Name] = ke
			counts[ke.norm]++
		}
		m.needVars = m.needVars || readsVariables(d)
		for name := range startMessageNames(d) {
			m.starts[name] = true
		}
	}
	m.collectKeyVars()
	m.startKey = m.pickStartKey(counts)
	m.routing = m.route()
	if o.CorrelationKey != nil {
		if err := m.prepareInjection(); err != nil {
			return nil, err
		}
	}
	m.names = map[string]*nameInfo{}
	for name := range m.known {
		m.names[name] = &nameInfo{name: name, start: m.starts[name], keyOnly: m.keyOnly[name], key: m.keyExprFor(name)}
	}
	return m, nil
}

func (m *Mapper) collectKeyVars() {
	seen := map[string]bool{}
	for _, ke := range m.keyExprs {
		for _, name := range ke.roots() {
			if !seen[name] {
				seen[name] = true
				m.keyVars = append(m.keyVars, name)
			}
		}
	}
	sort.Strings(m.keyVars)
	m.keyOnly = map[string]bool{}
	for name, ke := range m.keyExprs {
		if len(m.keyVars) == 1 && ke.path == m.keyVars[0] && !m.starts[name] {
			m.keyOnly[name] = true
		}
	}
}

// pickStartKey chooses the key of start messages, which carry none of
// their own: the expression most messages correlate by, preferring a
// plain variable path on a tie, then the first in text order.
func (m *Mapper) pickStartKey(counts map[string]int) *keyExpr {
	var best *keyExpr
	for _, ke := range m.keyExprs {
		if best == nil || betterStartKey(ke, best, counts) {
			best = ke
		}
	}
	return best
}

func betterStartKey(a, b *keyExpr, counts map[string]int) bool {
	if counts[a.norm] != counts[b.norm] {
		return counts[a.norm] > counts[b.norm]
	}
	if (a.path != "") != (b.path != "") {
		return a.path != ""
	}
	return a.norm < b.norm
}

// prepareInjection checks that a key override can reach the models'
// subscriptions: each key expression must be a variable path the start
// message can carry the key at.
func (m *Mapper) prepareInjection() error {
	seen := map[string]bool{}
	for _, name := range m.sortedNames() {
		ke := m.keyExprs[name]
		if ke.path == "" {
			return fmt.Errorf("message %q correlates by %s, which is not a variable path: with --correlation-key %s trace cannot give instances a key their subscriptions read; drop the flag, or make the model's key a path (=orderId)",
				name, strings.TrimSpace(ke.src), m.opts.CorrelationKey)
		}
		if !seen[ke.path] {
			seen[ke.path] = true
			m.inject = append(m.inject, ke.path)
		}
	}
	return nil
}

func (m *Mapper) sortedNames() []string {
	names := make([]string, 0, len(m.keyExprs))
	for name := range m.keyExprs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// HasMessages reports whether any model waits for a message at all.
func (m *Mapper) HasMessages() bool { return len(m.known) > 0 }

// Name returns a record's message name, or "" when it has none.
func (m *Mapper) Name(r *Record) string { return strings.Clone(m.name(r)) }

// name is Name, possibly pointing into the record's bytes.
func (m *Mapper) name(r *Record) string {
	if m.opts.Name != nil {
		return m.opts.Name.text(r)
	}
	for _, h := range r.Headers {
		if h.Key == "ce_type" {
			return bytesString(h.Value)
		}
	}
	return gjson.Get(bytesString(r.Value), "type").Str
}

// bytesString views b as a string without copying. The mapping reads
// records it does not change; what it keeps (keys, names) it copies, or
// takes from the model.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Map turns a record into a message. It returns ErrNotModelled (with the
// message's Name and Time set) for a name no model waits for, and another
// error, a reason to give in a report, when the record is not a JSON
// object, has no name, or its correlation key or event time cannot be
// read.
func (m *Mapper) Map(r *Record) (Message, error) {
	raw := m.name(r)
	ni := m.names[raw]
	msg := Message{Time: r.Time}
	if ni != nil {
		msg.Name = ni.name
	} else {
		msg.Name = strings.Clone(raw)
	}
	if m.opts.EventTime != nil {
		t, err := eventTime(m.opts.EventTime, r)
		if err != nil {
			if ni == nil && raw != "" {
				return msg, ErrNotModelled
			}
			return msg, err
		}
		msg.Time = t
	}
	if ni == nil && raw != "" {
		return msg, ErrNotModelled
	}
	if !isObject(r.Value) || !gjson.ValidBytes(r.Value) {
		return msg, errNotJSON
	}
	if ni == nil {
		return msg, errNoName
	}
	key, err := m.correlationKey(r, ni)
	if err != nil {
		return msg, err
	}
	msg.CorrelationKey = key
	msg.Variables, err = m.variables(r, ni, key)
	return msg, err
}

// variables picks what a message carries into its instance.
func (m *Mapper) variables(r *Record, ni *nameInfo, key string) (map[string]any, error) {
	if m.opts.CorrelationKey != nil {
		return m.injected(r, ni.name, key)
	}
	switch {
	case m.needVars || m.opts.AllVariables:
		return decodeObject(r.Value)
	case len(m.keyVars) == 0 || ni.keyOnly:
		return nil, nil
	}
	if ke := ni.key; len(m.keyVars) == 1 && ke != nil && ke.path == m.keyVars[0] {
		// The only variable keys read is this message's own key, already
		// extracted: no second pass over the JSON.
		return map[string]any{ke.path: keyValue(key, r.Value, ke.path)}, nil
	}
	return pickVariables(r.Value, m.keyVars), nil
}

// injected are a message's variables under a key override: a start
// message carries the key at every path the models' keys read.
func (m *Mapper) injected(r *Record, name, key string) (map[string]any, error) {
	var vars map[string]any
	if m.needVars {
		var err error
		if vars, err = decodeObject(r.Value); err != nil {
			return nil, err
		}
	}
	if !m.starts[name] || len(m.inject) == 0 {
		return vars, nil
	}
	if vars == nil {
		vars = make(map[string]any, len(m.inject))
	}
	for _, path := range m.inject {
		setPath(vars, path, key)
	}
	return vars, nil
}

// setPath sets a dotted path in vars, making the objects on the way.
func setPath(vars map[string]any, path, value string) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := vars[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			vars[p] = next
		}
		vars = next
	}
	vars[parts[len(parts)-1]] = value
}

// keyExprFor is the key expression messages of this name correlate by.
func (m *Mapper) keyExprFor(name string) *keyExpr {
	if ke := m.keyExprs[name]; ke != nil {
		return ke
	}
	return m.startKey
}

func (m *Mapper) correlationKey(r *Record, ni *nameInfo) (string, error) {
	if src := m.opts.CorrelationKey; src != nil {
		k := src.text(r)
		if k == "" {
			return "", fmt.Errorf("no correlation key at %s", src)
		}
		return strings.Clone(k), nil
	}
	if ni.key == nil {
		if len(r.Key) == 0 {
			return "", fmt.Errorf("the model gives no correlation key for %q and the record has no key", ni.name)
		}
		return string(r.Key), nil
	}
	return ni.key.eval(r.Value)
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}
