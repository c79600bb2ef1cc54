package dev

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/wfctl/wfctl/bpmn"
	"github.com/wfctl/wfctl/pkg/correlate"
	"github.com/wfctl/wfctl/pkg/engine"
)

// modelSet is what the server knows of the deployed models beyond the
// engine: their definitions, which map domain records to messages (every
// version's, since instances of an old version still wait for their
// messages) and name the domain topics.
type modelSet struct {
	seen   map[string]*bpmn.Document // parsed resources, by checksum
	docs   []*bpmn.Document
	topics map[string]bool
	m      *correlate.Mapper
	stale  bool
	// processes are the latest versions, for Server.Processes.
	processes processList
}

func newModelSet() *modelSet {
	return &modelSet{seen: map[string]*bpmn.Document{}, topics: map[string]bool{}}
}

// add takes a deployed process version (its Process CREATED event). A
// resource the engine accepted always parses; one that declares several
// processes is parsed once.
func (s *modelSet) add(v *engine.ProcessValue) {
	if doc, ok := s.seen[v.Checksum]; ok {
		s.processes.note(v, doc)
		return
	}
	doc, err := bpmn.Parse(v.ResourceName, v.Resource)
	if err != nil {
		return
	}
	s.seen[v.Checksum] = doc
	s.docs = append(s.docs, doc)
	s.processes.note(v, doc)
	for _, t := range modelTopics(doc.Definitions) {
		s.topics[t] = true
	}
	s.stale = true
}

// mapper is the record mapping of every deployed model, later versions'
// correlation keys winning; nil before the first deployment.
func (s *modelSet) mapper() *correlate.Mapper {
	if s.stale {
		s.stale = false
		m, err := correlate.NewMapper(s.docs, correlate.Options{AllVariables: true})
		if err == nil {
			s.m = m
		}
	}
	return s.m
}

// modelTopics lists the domain topics a model names with the
// wfctl.topic property, on its processes, messages and elements.
func modelTopics(d *bpmn.Definitions) []string {
	var out []string
	add := func(z *bpmn.Zeebe) {
		if v, ok := z.Property(TopicProperty); ok {
			for _, t := range strings.Split(v, ",") {
				if t = strings.TrimSpace(t); t != "" {
					out = append(out, t)
				}
			}
		}
	}
	for _, p := range d.Processes {
		add(&p.Zeebe)
	}
	for _, m := range d.Messages {
		add(&m.Zeebe)
	}
	d.FlowNodes(func(n *bpmn.FlowNode) { add(&n.Zeebe) })
	return out
}

var topicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// checkDomainTopic checks a domain topic's name: a legal Kafka name, not
// one of the protocol's.
func checkDomainTopic(t string) error {
	switch {
	case !topicName.MatchString(t) || t == "." || t == "..":
		return fmt.Errorf("%q is not a Kafka topic name (letters, digits, '.', '_', '-', at most 249)", t)
	case strings.HasPrefix(t, "wfctl."):
		return fmt.Errorf("%q: topics named wfctl.* are the server's own", t)
	}
	return nil
}
