package lint

import (
	"fmt"

	"github.com/wfctl/wfctl/bpmn"
)

// RuleExecutableProcess asks for at least one executable process per
// document. Zeebe rejects a resource without one ("Must contain at least
// one executable process"), including a document with no process at all,
// and ignores non-executable processes otherwise. Unlike the other engine
// rules it looks at every process, since its point is that none is
// executable.
const RuleExecutableProcess = "wfctl/executable-process"

var engineExecutableProcess = &Rule{
	ID:          RuleExecutableProcess,
	Description: `a document has at least one process with isExecutable="true"`,
	Check:       checkExecutableProcess,
}

func checkExecutableProcess(c *Check) {
	d := c.Doc.Definitions
	if len(d.Processes) == 0 {
		what := "no process"
		if len(d.Collaborations) > 0 {
			what = "pools but no process behind them"
		}
		c.Report(&d.Base, fmt.Sprintf(`the document has %s: Camunda 8 deploys only documents with at least one <bpmn:process isExecutable="true">; add one`, what))
		return
	}
	if len(c.Executable()) > 0 {
		return
	}
	pools := map[string]*bpmn.Participant{}
	for _, co := range d.Collaborations {
		for _, pt := range co.Participants {
			if _, seen := pools[pt.ProcessRef]; !seen && pt.ProcessRef != "" {
				pools[pt.ProcessRef] = pt
			}
		}
	}
	for _, p := range d.Processes {
		why := `isExecutable is absent, which means false`
		if p.XML != nil && p.XML.SelectAttr("isExecutable") != nil {
			why = fmt.Sprintf(`isExecutable=%q`, p.XML.SelectAttrValue("isExecutable", ""))
		}
		b, what := &p.Base, engProcessLabel(p)
		if pt := pools[p.ID]; pt != nil {
			b, what = &pt.Base, fmt.Sprintf("pool %s (%s)", engName(&pt.Base), what)
		}
		c.Report(b, fmt.Sprintf(`%s is not executable (%s) and neither is any other process in the document: Camunda 8 deploys only executable processes; set isExecutable="true" on the process to deploy`, what, why))
	}
}
