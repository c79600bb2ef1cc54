package correlate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/wfctl/wfctl/pkg/feel"
)

// keyExpr is a compiled correlation key expression.
type keyExpr struct {
	src  string // as written in the model
	norm string // without the leading "=" and surrounding space
	path string // a plain path (orderId, order.id): read with gjson
	expr *feel.Expr
}

var plainPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

func compileKey(src string) (*keyExpr, error) {
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(src), "="))
	ke := &keyExpr{src: src, norm: text}
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

// roots are the top-level variable names a key expression reads.
func (ke *keyExpr) roots() []string {
	if ke.path != "" {
		root, _, _ := strings.Cut(ke.path, ".")
		return []string{root}
	}
	return feel.Names(ke.expr)
}

// eval computes a correlation key; Zeebe accepts strings and numbers.
func (ke *keyExpr) eval(value []byte) (string, error) {
	if ke.path != "" {
		res := gjson.Get(bytesString(value), ke.path)
		switch res.Type {
		case gjson.String:
			return strings.Clone(res.Str), nil
		case gjson.Number:
			return strings.Clone(res.Raw), nil
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

// keyValue is a key as the variable it came from: a string, or for a
// number its exact text as json.Number.
func keyValue(key string, value []byte, path string) any {
	if len(key) > 0 && (key[0] == '-' || (key[0] >= '0' && key[0] <= '9')) && gjson.GetBytes(value, path).Type == gjson.Number {
		return json.Number(key)
	}
	return key
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

func decodeObject(b []byte) (map[string]any, error) {
	var vars map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil {
		return nil, errNotJSON
	}
	return vars, nil
}
