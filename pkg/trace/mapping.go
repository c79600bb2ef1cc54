package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/feel"
)

// Record is a Kafka record as trace reads it, from a broker or a kcat -J
// file.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Time      time.Time
	Key       []byte
	Value     []byte
	Headers   []Header
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// Where names a record in reports.
func (r *Record) Where() Location {
	return Location{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
}

// Location is a record's topic, partition and offset.
type Location struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

func (l Location) String() string { return fmt.Sprintf("%s/%d@%d", l.Topic, l.Partition, l.Offset) }

// Source says where a record's message name or correlation key comes
// from: a header, a JSON path in the value, or the record key.
type Source struct {
	Kind string // "header", "json" or "key"
	Arg  string // header name or JSON path
}

// ParseSource reads "header:NAME", "json:PATH" or "key".
func ParseSource(s string) (Source, error) {
	if s == "key" {
		return Source{Kind: "key"}, nil
	}
	kind, arg, ok := strings.Cut(s, ":")
	if !ok || arg == "" || (kind != "header" && kind != "json") {
		return Source{}, fmt.Errorf("%q: want header:NAME, json:PATH or key", s)
	}
	return Source{Kind: kind, Arg: arg}, nil
}

// Message is what a record becomes: a message to publish to the engine.
type Message struct {
	Name           string
	CorrelationKey string
	Time           time.Time
	// Variables is the record's JSON object; nil unless the model reads
	// variables (see Mapper.NeedsVariables).
	Variables map[string]any
}

// Mapper turns records into messages, Zeebe style: the message name from
// the CloudEvents ce_type header or the JSON field "type" (or --name),
// and the correlation key from the model's own zeebe:subscription
// correlationKey expression evaluated on the record's JSON (or
// --correlation-key).
type Mapper struct {
	name     *Source
	key      *Source
	keyExprs map[string]*keyExpr
	// startKey is used for messages without a subscription (message start
	// events): the expression the process's other messages correlate on.
	startKey *keyExpr
	// known are the message names the model waits for.
	known map[string]bool
	// needVars is set when the model reads variables beyond correlation.
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
}

// keyExpr is a compiled correlation key expression.
type keyExpr struct {
	src  string
	path string // a plain path (orderId, order.id): read with gjson
	expr *feel.Expr
}

var plainPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// NewMapper prepares the mapping for a model. name and key override the
// defaults when not nil.
func NewMapper(defs []*bpmn.Definitions, name, key *Source) (*Mapper, error) {
	m := &Mapper{name: name, key: key, keyExprs: map[string]*keyExpr{}, known: map[string]bool{}}
	counts := map[string]int{}
	for _, d := range defs {
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
				return nil, fmt.Errorf("message %q: correlation key %s: %w", msg.Name, sub.CorrelationKey, err)
			}
			m.keyExprs[msg.Name] = ke
			counts[ke.src]++
		}
		m.needVars = m.needVars || readsVariables(d)
	}
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
	starts := startMessageNames(defs)
	for name, ke := range m.keyExprs {
		if len(m.keyVars) == 1 && ke.path == m.keyVars[0] && !starts[name] {
			m.keyOnly[name] = true
		}
	}
	// Start messages carry no key of their own: use the expression most
	// messages correlate by, preferring a plain variable path on a tie.
	best := ""
	plain := func(src string) bool { return plainPath.MatchString(strings.TrimPrefix(strings.TrimSpace(src), "=")) }
	for src, n := range counts {
		better := n > counts[best] || (n == counts[best] && (plain(src) && !plain(best) || plain(src) == plain(best) && src < best))
		if best == "" || better {
			best = src
		}
	}
	if best != "" {
		m.startKey, _ = compileKey(best)
	}
	return m, nil
}

func compileKey(src string) (*keyExpr, error) {
	text := strings.TrimPrefix(strings.TrimSpace(src), "=")
	ke := &keyExpr{src: src}
	if plainPath.MatchString(text) {
		ke.path = text
		return ke, nil
	}
	expr, err := feel.Parse(text)
	if err != nil {
		return nil, err
	}
	ke.expr = expr
	return ke, nil
}

// Known reports whether the model waits for messages of this name.
func (m *Mapper) Known(name string) bool { return m.known[name] }

// NeedsVariables reports whether messages carry their variables: only
// when the model reads variables beyond correlation keys (conditions,
// mappings, ...), which saves decoding every record.
func (m *Mapper) NeedsVariables() bool { return m.needVars }

// Name returns a record's message name, or "" when it has none.
func (m *Mapper) Name(r *Record) string {
	if m.name != nil {
		return sourceString(m.name, r)
	}
	for _, h := range r.Headers {
		if h.Key == "ce_type" {
			return string(h.Value)
		}
	}
	return gjson.GetBytes(r.Value, "type").Str
}

// Map turns a record into a message. It fails, with a reason for the
// report, when the record is not JSON, has no name, or its correlation
// key cannot be computed.
func (m *Mapper) Map(r *Record) (Message, error) {
	return m.MapNamed(r, m.Name(r))
}

// MapNamed is Map for a record whose name the caller already read.
func (m *Mapper) MapNamed(r *Record, name string) (Message, error) {
	if !isObject(r.Value) || !gjson.ValidBytes(r.Value) {
		return Message{}, errNotJSON
	}
	msg := Message{Name: name, Time: r.Time}
	if msg.Name == "" {
		return msg, errNoName
	}
	key, err := m.correlationKey(r, msg.Name)
	if err != nil {
		return msg, err
	}
	msg.CorrelationKey = key
	switch {
	case m.needVars:
		msg.Variables, err = decodeObject(r.Value)
	case len(m.keyVars) > 0 && !m.keyOnly[name]:
		if ke := m.keyExprFor(name); len(m.keyVars) == 1 && ke != nil && ke.path == m.keyVars[0] && m.key == nil {
			// The only variable keys read is this message's own key,
			// already extracted: no second pass over the JSON.
			msg.Variables = map[string]any{ke.path: keyValue(key, r.Value, ke.path)}
		} else {
			msg.Variables = pickVariables(r.Value, m.keyVars)
		}
	}
	return msg, err
}

// keyExprFor is the key expression messages of this name correlate by.
func (m *Mapper) keyExprFor(name string) *keyExpr {
	if ke := m.keyExprs[name]; ke != nil {
		return ke
	}
	return m.startKey
}

// keyValue is a key as the variable it came from: a string, or for a
// number its exact text as json.Number.
func keyValue(key string, value []byte, path string) any {
	if len(key) > 0 && (key[0] == '-' || (key[0] >= '0' && key[0] <= '9')) && gjson.GetBytes(value, path).Type == gjson.Number {
		return json.Number(key)
	}
	return key
}

// roots are the top-level variable names a key expression reads.
func (ke *keyExpr) roots() []string {
	if ke.path != "" {
		root, _, _ := strings.Cut(ke.path, ".")
		return []string{root}
	}
	return feel.Names(ke.expr)
}

// pickVariables decodes only the named top-level fields of a JSON object.
func pickVariables(value []byte, names []string) map[string]any {
	vars := make(map[string]any, len(names))
	for _, name := range names {
		res := gjson.GetBytes(value, gjson.Escape(name))
		switch res.Type {
		case gjson.Null:
			if res.Exists() {
				vars[name] = nil
			}
		case gjson.String:
			vars[name] = res.Str
		case gjson.Number:
			vars[name] = json.Number(res.Raw)
		case gjson.True, gjson.False:
			vars[name] = res.Bool()
		default:
			var v any
			if json.Unmarshal([]byte(res.Raw), &v) == nil {
				vars[name] = v
			}
		}
	}
	return vars
}

// Reasons a record does not become a message.
var (
	errNotJSON = fmt.Errorf("value is not a JSON object")
	errNoName  = fmt.Errorf("no message name (no ce_type header, no \"type\" field)")
)

func (m *Mapper) correlationKey(r *Record, name string) (string, error) {
	if m.key != nil {
		k := sourceString(m.key, r)
		if k == "" {
			return "", fmt.Errorf("no correlation key at %s:%s", m.key.Kind, m.key.Arg)
		}
		return k, nil
	}
	ke := m.keyExprFor(name)
	if ke == nil {
		if len(r.Key) == 0 {
			return "", fmt.Errorf("the model gives no correlation key for %q and the record has no key", name)
		}
		return string(r.Key), nil
	}
	return ke.eval(r.Value)
}

// eval computes a correlation key; Zeebe accepts strings and numbers.
func (ke *keyExpr) eval(value []byte) (string, error) {
	if ke.path != "" {
		res := gjson.GetBytes(value, ke.path)
		switch res.Type {
		case gjson.String:
			return res.Str, nil
		case gjson.Number:
			return res.Raw, nil
		case gjson.Null:
			return "", fmt.Errorf("correlation key %s is null or missing", ke.src)
		}
		return "", fmt.Errorf("correlation key %s is %s, not a string or number", ke.src, res.Type)
	}
	vars, err := decodeObject(value)
	if err != nil {
		return "", err
	}
	v, _ := ke.expr.Eval(feel.Map(vars))
	switch x := feel.ToGo(v).(type) {
	case string:
		return x, nil
	case nil:
		return "", fmt.Errorf("correlation key %s gave null", ke.src)
	default:
		if b, err := feel.ToJSON(v); err == nil && v.Kind() == feel.KindNumber {
			return string(b), nil
		}
		return "", fmt.Errorf("correlation key %s gave %s, not a string or number", ke.src, v.String())
	}
}

func sourceString(s *Source, r *Record) string {
	switch s.Kind {
	case "key":
		return string(r.Key)
	case "header":
		for _, h := range r.Headers {
			if h.Key == s.Arg {
				return string(h.Value)
			}
		}
		return ""
	}
	res := gjson.GetBytes(r.Value, s.Arg)
	if res.Type == gjson.Number {
		return res.Raw
	}
	return res.Str
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func decodeObject(b []byte) (map[string]any, error) {
	var vars map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil {
		return nil, errNotJSON
	}
	return vars, nil
}

// messageUsed reports whether a catch event or receive task of d uses msg.
func messageUsed(d *bpmn.Definitions, msg *bpmn.Message) bool {
	used := false
	d.FlowNodes(func(n *bpmn.FlowNode) {
		if n.Message == msg && n.Kind == bpmn.KindReceiveTask {
			used = true
		}
		if n.Kind.IsCatchEvent() {
			for _, ed := range n.EventDefinitions {
				used = used || ed.Message == msg
			}
		}
	})
	return used
}

// readsVariables reports whether the model evaluates anything but
// correlation keys: conditions, mappings, FEEL timers, collections.
func readsVariables(d *bpmn.Definitions) bool {
	reads := false
	for _, p := range d.Processes {
		p.SequenceFlowsDeep(func(f *bpmn.SequenceFlow) { reads = reads || f.Condition != nil })
		p.Walk(func(n *bpmn.FlowNode) {
			z := n.Zeebe
			reads = reads || z.IOMapping != nil || z.Script != nil || n.Loop != nil
			for _, ed := range n.EventDefinitions {
				if ed.Timer != nil && ed.Timer.Value != nil && strings.HasPrefix(ed.Timer.Value.Text, "=") {
					reads = true
				}
			}
		})
	}
	return reads
}

// startMessageNames are the messages of message start events.
func startMessageNames(defs []*bpmn.Definitions) map[string]bool {
	names := map[string]bool{}
	for _, d := range defs {
		d.FlowNodes(func(n *bpmn.FlowNode) {
			if n.Kind != bpmn.KindStartEvent {
				return
			}
			for _, ed := range n.EventDefinitions {
				if ed.Message != nil {
					names[ed.Message.Name] = true
				}
			}
		})
	}
	return names
}
