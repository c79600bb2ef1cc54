package feel

import (
	"slices"
)

// Context is a set of named values: the variables an expression is evaluated
// against, and the payload of FEEL context values ({a: 1}).
//
// Implementations must be safe for concurrent reads when the same Context is
// shared between goroutines evaluating expressions.
type Context interface {
	// Get returns the value of key and whether the key exists.
	Get(key string) (Value, bool)
	// Keys returns the keys in a stable order: insertion order for contexts
	// built by FEEL, sorted order for Go maps.
	Keys() []string
}

// Map adapts Go values decoded from JSON (map[string]any holding string,
// float64, json.Number, bool, nil, []any and map[string]any) to a Context.
// Entries are converted on access, so wrapping a large map is free and a
// lookup of a string or float64 entry does not allocate. Values of other Go
// types are converted by [FromGo]; those it cannot convert read as null.
type Map map[string]any

// Get implements [Context].
func (m Map) Get(key string) (Value, bool) {
	x, ok := m[key]
	if !ok {
		return Value{}, false
	}
	return fromGoLenient(x), true
}

// Keys implements [Context]; keys are sorted.
func (m Map) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Entries is an insertion-ordered Context, the form FEEL builds for context
// literals and context functions. The zero Entries is empty. Build one with
// [Entries.Put]; a context value must not be modified once evaluation has
// seen it.
type Entries struct {
	keys []string
	vals []Value
}

// Get implements [Context].
func (e *Entries) Get(key string) (Value, bool) {
	for i, k := range e.keys {
		if k == key {
			return e.vals[i], true
		}
	}
	return Value{}, false
}

// Keys implements [Context]; keys are in insertion order.
func (e *Entries) Keys() []string { return e.keys }

// Len returns the number of entries.
func (e *Entries) Len() int { return len(e.keys) }

// Put sets key to v, replacing an existing entry in place or appending a new
// one.
func (e *Entries) Put(key string, v Value) {
	for i, k := range e.keys {
		if k == key {
			e.vals[i] = v
			return
		}
	}
	e.keys = append(e.keys, key)
	e.vals = append(e.vals, v)
}

// copyEntries returns a mutable ordered copy of any context.
func copyEntries(c Context) *Entries {
	keys := c.Keys()
	out := &Entries{keys: make([]string, 0, len(keys)+1), vals: make([]Value, 0, len(keys)+1)}
	for _, k := range keys {
		v, _ := c.Get(k)
		out.keys = append(out.keys, k)
		out.vals = append(out.vals, v)
	}
	return out
}

// binding is a one-entry Context used for iteration variables and the
// implicit names item, partial and ?.
type binding struct {
	name string
	val  Value
}

func (b *binding) Get(key string) (Value, bool) {
	if key == b.name {
		return b.val, true
	}
	return Value{}, false
}

func (b *binding) Keys() []string { return []string{b.name} }

// emptyContext has no entries.
type emptyContext struct{}

func (emptyContext) Get(string) (Value, bool) { return Value{}, false }
func (emptyContext) Keys() []string           { return nil }
