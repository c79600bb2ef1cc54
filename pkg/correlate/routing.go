package correlate

import (
	"fmt"
	"strings"
)

// Routing says whether instances can be spread over engines by their
// correlation key.
type Routing struct {
	// Sharded is set when every message correlates by the same key: then
	// all of an instance's messages carry its key, and engines that each
	// own a share of the keys never need each other.
	Sharded bool
	// Why explains, when not Sharded, which messages use which key.
	Why string
}

// Routing returns whether the mapping allows sharding by key.
func (m *Mapper) Routing() Routing { return m.routing }

func (m *Mapper) route() Routing {
	if m.opts.CorrelationKey != nil {
		return Routing{Sharded: true}
	}
	byKey := map[string][]string{}
	var order []string
	for _, name := range m.sortedNames() {
		norm := m.keyExprs[name].norm
		if byKey[norm] == nil {
			order = append(order, norm)
		}
		byKey[norm] = append(byKey[norm], name)
	}
	if len(order) <= 1 {
		return Routing{Sharded: true}
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s by =%s", strings.Join(byKey[k], ", "), k))
	}
	return Routing{Why: "the model correlates messages by different keys (" + strings.Join(parts, "; ") + ")"}
}
