package feel

func booleanBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"not": {fixed(func(_ *call, a []Value) Value {
			if b, ok := a[0].AsBool(); ok {
				return Bool(!b)
			}
			return Value{}
		}, "negand")},
		// Camunda 8.4+: a value is defined when it is not null
		"is defined":  {fixed(func(_ *call, a []Value) Value { return Bool(a[0].kind != KindNull) }, "value")},
		"get or else": {fixed(fnGetOrElse, "value", "default")},
	}
}

func fnGetOrElse(_ *call, a []Value) Value {
	if a[0].kind == KindNull {
		return a[1]
	}
	return a[0]
}

func contextBuiltins() map[string][]builtin {
	return map[string][]builtin{
		"get value":     {fixed(fnGetValue, "m", "key"), fixed(fnGetValue, "context", "keys")},
		"get entries":   {fixed(fnGetEntries, "m"), fixed(fnGetEntries, "context")},
		"context put":   {fixed(fnContextPut, "context", "key", "value"), fixed(fnContextPut, "context", "keys", "value")},
		"context merge": {variadic(listFn(fnContextMerge), "contexts")},
		"put all":       {variadic(listFn(fnContextMerge), "contexts")},
		"context":       {fixed(listFn(fnContextFromEntries), "entries")},
	}
}

// fnGetValue reads a key, or a path of keys given as a list.
func fnGetValue(c *call, a []Value) Value {
	ctx, ok := c.context(a[0])
	if !ok {
		return Value{}
	}
	keys, ok := keyPath(c, a[1])
	if !ok {
		return Value{}
	}
	v := ContextValue(ctx)
	for _, k := range keys {
		inner, ok := v.AsContext()
		if !ok {
			return Value{}
		}
		if v, ok = inner.Get(k); !ok {
			return Value{}
		}
	}
	return v
}

// keyPath accepts a key or a non-empty list of keys.
func keyPath(c *call, v Value) ([]string, bool) {
	if s, ok := v.AsString(); ok {
		return []string{s}, true
	}
	l, ok := v.AsList()
	if !ok || len(l) == 0 {
		c.typeError("a key or a list of keys", v)
		return nil, false
	}
	keys := make([]string, len(l))
	for i, k := range l {
		s, ok := c.string(k)
		if !ok {
			return nil, false
		}
		keys[i] = s
	}
	return keys, true
}

func fnGetEntries(c *call, a []Value) Value {
	ctx, ok := c.context(a[0])
	if !ok {
		return Value{}
	}
	out := []Value{}
	for _, k := range ctx.Keys() {
		v, _ := ctx.Get(k)
		entry := &Entries{}
		entry.Put("key", String(k))
		entry.Put("value", v)
		out = append(out, ContextValue(entry))
	}
	return listValue(out)
}

// fnContextPut returns a copy of the context with key set (or the nested
// entry at a path of keys), creating intermediate contexts as needed.
func fnContextPut(c *call, a []Value) Value {
	ctx, ok := c.context(a[0])
	if !ok {
		return Value{}
	}
	keys, ok := keyPath(c, a[1])
	if !ok {
		return Value{}
	}
	return ContextValue(putPath(ctx, keys, a[2]))
}

func putPath(ctx Context, keys []string, v Value) *Entries {
	out := copyEntries(ctx)
	if len(keys) > 1 {
		inner, _ := out.Get(keys[0])
		innerCtx, ok := inner.AsContext()
		if !ok {
			innerCtx = &Entries{}
		}
		v = ContextValue(putPath(innerCtx, keys[1:], v))
	}
	out.Put(keys[0], v)
	return out
}

func fnContextMerge(c *call, l []Value) Value {
	out := &Entries{}
	for _, item := range l {
		ctx, ok := c.context(item)
		if !ok {
			return Value{}
		}
		for _, k := range ctx.Keys() {
			v, _ := ctx.Get(k)
			out.Put(k, v)
		}
	}
	return ContextValue(out)
}

// fnContextFromEntries builds a context from {key, value} entries.
func fnContextFromEntries(c *call, l []Value) Value {
	out := &Entries{}
	for _, item := range l {
		entry, ok := c.context(item)
		if !ok {
			return Value{}
		}
		k, hasKey := entry.Get("key")
		v, hasValue := entry.Get("value")
		key, isString := k.AsString()
		if !hasKey || !hasValue || !isString {
			return c.fail("each entry needs a string key and a value, got '%s'", item)
		}
		out.Put(key, v)
	}
	return ContextValue(out)
}
