package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// standardSize: shapes have the modeler's default sizes, so diagrams look
// consistent. Options override the sizes per type, as in bpmnlint:
// {"bpmn:Task": {"width": 120, "height": 80}}.
var standardSize = &Rule{
	ID:          "standard-size",
	Description: "shapes have the standard size for their type",
	Check: func(c *Check) {
		sizes := standardSizes(c.Options)
		for _, dg := range c.Doc.Definitions.Diagrams {
			if dg.Plane == nil {
				continue
			}
			for _, s := range dg.Plane.Shapes {
				checkShapeSize(c, s, sizes)
			}
		}
	},
}

// size is an expected width and height; a negative value is not checked.
type size struct{ width, height float64 }

var defaultSizes = map[string]size{
	"bpmn:Task":                {100, 80},
	"bpmn:CallActivity":        {100, 80},
	"bpmn:SubProcess":          {100, 80},
	"bpmn:Gateway":             {50, 50},
	"bpmn:Event":               {36, 36},
	"bpmn:DataObjectReference": {36, 50},
	"bpmn:DataStoreReference":  {50, 50},
	"bpmn:Participant":         {60, 60},
}

func standardSizes(opts map[string]any) map[string]size {
	sizes := make(map[string]size, len(defaultSizes))
	for k, v := range defaultSizes {
		sizes[k] = v
	}
	for k, v := range opts {
		m, ok := v.(map[string]any)
		if !ok {
			delete(sizes, k)
			continue
		}
		s := size{-1, -1}
		if w, ok := m["width"].(float64); ok {
			s.width = w
		}
		if h, ok := m["height"].(float64); ok {
			s.height = h
		}
		sizes[k] = s
	}
	return sizes
}

func checkShapeSize(c *Check, s *bpmn.Shape, sizes map[string]size) {
	b := s.Bounds
	if b == nil || s.BPMNElement == "" {
		return
	}
	want, ok := expectedSize(c.Doc.ByID(s.BPMNElement), s, sizes)
	if !ok {
		return
	}
	wrongW := want.width >= 0 && b.Width != want.width
	wrongH := want.height >= 0 && b.Height != want.height
	if !wrongW && !wrongH {
		return
	}
	var msg string
	switch {
	case want.height < 0:
		msg = fmt.Sprintf("Element has a non-standard width; expected width of %g", want.width)
	case want.width < 0:
		msg = fmt.Sprintf("Element has a non-standard height; expected height of %g", want.height)
	default:
		msg = fmt.Sprintf("Element has a non-standard size; expected %gx%g", want.width, want.height)
	}
	c.reportID(s.BPMNElement, msg)
}

func expectedSize(el any, s *bpmn.Shape, sizes map[string]size) (size, bool) {
	switch e := el.(type) {
	case *bpmn.Participant:
		if e.ProcessRef != "" {
			return size{}, false
		}
		p, ok := sizes["bpmn:Participant"]
		if !ok {
			return size{}, false
		}
		if s.IsHorizontal == nil || *s.IsHorizontal {
			return size{-1, p.height}, p.height >= 0
		}
		return size{p.width, -1}, p.width >= 0
	case *bpmn.FlowNode:
		key := sizeKey(e.Kind)
		if key == "" || (e.Kind.IsSubProcess() && s.IsExpanded != nil && *s.IsExpanded) {
			return size{}, false
		}
		want, ok := sizes[key]
		return want, ok
	}
	return size{}, false
}

func sizeKey(k bpmn.Kind) string {
	switch {
	case k.IsSubProcess():
		return "bpmn:SubProcess"
	case k == bpmn.KindCallActivity:
		return "bpmn:CallActivity"
	case k.IsTask():
		return "bpmn:Task"
	case k.IsGateway():
		return "bpmn:Gateway"
	case k.IsEvent():
		return "bpmn:Event"
	case k == bpmn.KindDataObjectReference:
		return "bpmn:DataObjectReference"
	case k == bpmn.KindDataStoreReference:
		return "bpmn:DataStoreReference"
	}
	return ""
}
