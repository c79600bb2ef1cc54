package dev

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tidwall/gjson"
)

// commandOverLimit says why a command on wfctl.commands is over a limit,
// or "" when it is not: the command itself, its variable document, or a
// deployment resource it holds. The document and the resources are looked
// at only when the command could hold one over the limit, so that a
// command of ordinary size costs nothing.
func (r *runner) commandOverLimit(value []byte) string {
	l := r.opts.Limits
	if len(value) > l.Command {
		return fmt.Sprintf("the command is %s, over the limit of %s for a command (--max-command-size)", sizeOf(len(value)), sizeOf(l.Command))
	}
	if len(value) <= l.Document {
		return ""
	}
	if vars := gjson.GetBytes(value, "value.variables"); len(vars.Raw) > l.Document {
		return fmt.Sprintf("its variables are %s, over the limit of %s for a variable document (--max-document-size)", sizeOf(len(vars.Raw)), sizeOf(l.Document))
	}
	reason := ""
	gjson.GetBytes(value, "value.resources").ForEach(func(_, res gjson.Result) bool {
		// The content is base64: 4 characters for 3 bytes.
		if n := len(res.Get("resource").Str) / 4 * 3; n > l.Document {
			reason = fmt.Sprintf("the resource %q is %s, over the limit of %s for a deployment resource (--max-document-size)",
				res.Get("resourceName").Str, sizeOf(n), sizeOf(l.Document))
			return false
		}
		return true
	})
	return reason
}

func recordsOverLimit(n, limit int) string {
	return fmt.Sprintf("it made the engine write %s of records, over the limit of %s for one input (--max-records-size)", sizeOf(n), sizeOf(limit))
}

// sizeOf writes a byte count as people read it.
func sizeOf(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// sum names a model file's content, so that a model set aside is tried
// again once it changed.
func (f modelFile) sum() string {
	h := sha256.Sum256(f.Content)
	return hex.EncodeToString(h[:8])
}
