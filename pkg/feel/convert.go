package feel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"time"
)

// FromGo converts a Go value to a FEEL value. It accepts what encoding/json
// produces (nil, bool, float64, json.Number, string, []any, map[string]any),
// other integer and float types, time.Time (a zoned date and time),
// time.Duration, Value, Context, and slices and string-keyed maps of those.
// Maps are wrapped, not copied.
func FromGo(x any) (Value, error) {
	v, ok := fromGo(x)
	if !ok {
		return Value{}, fmt.Errorf("feel: cannot convert %T to a FEEL value", x)
	}
	return v, nil
}

func fromGoLenient(x any) Value {
	v, _ := fromGo(x)
	return v
}

func fromGo(x any) (Value, bool) {
	switch t := x.(type) {
	case nil:
		return Value{}, true
	case string:
		return Value{kind: KindString, x: x}, true
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return Value{}, true
		}
		return Value{kind: KindNumber, x: x}, true // reuse x: no allocation
	case bool:
		return Value{kind: KindBoolean, x: x}, true
	case map[string]any:
		return Value{kind: KindContext, x: Map(t)}, true
	case []any:
		items := make([]Value, len(t))
		for i, e := range t {
			items[i] = fromGoLenient(e)
		}
		return listValue(items), true
	case json.Number:
		v, err := ParseNumber(string(t))
		return v, err == nil
	case Value:
		return t, true
	case Context:
		return ContextValue(t), true
	}
	return fromGoOther(x)
}

func fromGoOther(x any) (Value, bool) {
	switch t := x.(type) {
	case int:
		return Int(int64(t)), true
	case int64:
		return Int(t), true
	case int32:
		return Int(int64(t)), true
	case float32:
		return Number(float64(t)), true
	case time.Time:
		return DateTime(t, true), true
	case time.Duration:
		return Duration(t), true
	case []Value:
		return listValue(t), true
	}
	return fromGoReflect(reflect.ValueOf(x))
}

func fromGoReflect(rv reflect.Value) (Value, bool) {
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Int(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v, err := ParseNumber(fmt.Sprint(rv.Uint()))
		return v, err == nil
	case reflect.Float32, reflect.Float64:
		return Number(rv.Float()), true
	case reflect.String:
		return String(rv.String()), true
	case reflect.Bool:
		return Bool(rv.Bool()), true
	case reflect.Slice, reflect.Array:
		items := make([]Value, rv.Len())
		for i := range items {
			items[i], _ = fromGo(rv.Index(i).Interface())
		}
		return listValue(items), true
	case reflect.Map:
		return fromGoMap(rv)
	}
	return Value{}, false
}

func fromGoMap(rv reflect.Value) (Value, bool) {
	if rv.Type().Key().Kind() != reflect.String {
		return Value{}, false
	}
	m := make(Map, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		m[iter.Key().String()] = iter.Value().Interface()
	}
	return ContextValue(m), true
}

// FromJSON decodes JSON into a FEEL value; numbers keep their exact decimal
// value.
func FromJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return Value{}, fmt.Errorf("feel: decode JSON: %w", err)
	}
	return FromGo(x)
}

// ToGo converts v to the Go values encoding/json produces, so that the
// result can be stored as a process variable: nil, bool, json.Number (exact
// decimal text), string, []any and map[string]any. Temporal values become
// their ISO 8601 text, as string() gives it (dates "2024-01-31", durations
// "P1DT2H", zoned date and times "2024-01-31T10:00:00@Europe/Berlin").
// Ranges and functions have no JSON form and become nil.
func ToGo(v Value) any {
	switch v.kind {
	case KindNull, KindRange, KindFunction:
		return nil
	case KindBoolean:
		return v.x
	case KindNumber:
		return json.Number(numText(v))
	case KindString:
		return v.x
	case KindList:
		items := v.list()
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = ToGo(item)
		}
		return out
	case KindContext:
		c := v.context()
		out := make(map[string]any, len(c.Keys()))
		for _, k := range c.Keys() {
			e, _ := c.Get(k)
			out[k] = ToGo(e)
		}
		return out
	}
	return fmt.Sprint(v.x)
}

// ToJSON encodes v as JSON (see [ToGo] for the mapping). Context entries are
// written in key order.
func ToJSON(v Value) ([]byte, error) {
	return json.Marshal(ToGo(v))
}

// MarshalJSON implements json.Marshaler with [ToJSON].
func (v Value) MarshalJSON() ([]byte, error) { return ToJSON(v) }

// UnmarshalJSON implements json.Unmarshaler as FromJSON reads: what
// MarshalJSON wrote comes back, temporal values as their strings.
func (v *Value) UnmarshalJSON(b []byte) error {
	x, err := FromJSON(b)
	if err != nil {
		return err
	}
	*v = x
	return nil
}
