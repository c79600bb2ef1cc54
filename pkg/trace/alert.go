package trace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wfctl/wfctl/pkg/correlate"
)

// Alert types, the CloudEvents `type` of each alert a tracking group
// writes.
const (
	AlertStalled   = "wfctl.instance.stalled"   // an instance waited past its threshold
	AlertRecovered = "wfctl.instance.recovered" // a stalled instance moved on or ended
	AlertTimedOut  = "wfctl.instance.timedout"  // an instance took a timer boundary path
	AlertIncident  = "wfctl.instance.incident"  // an instance raised an incident
	AlertUnfit     = "wfctl.record.unfit"       // a record fit no instance
)

// Alert is one CloudEvents 1.0 event in structured JSON mode, as a
// tracking group writes it to its alerts topic (and posts to a webhook).
// Its ID is derived from what it says (type, the instance's first record,
// the element and the time), so the same finding has the same ID on
// every replica that could write it.
type Alert struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Source          string    `json:"source"`
	Type            string    `json:"type"`
	Subject         string    `json:"subject,omitempty"`
	Time            time.Time `json:"time"`
	DataContentType string    `json:"datacontenttype"`
	Data            AlertData `json:"data"`
}

// AlertData is an alert's payload.
type AlertData struct {
	ProcessID      string `json:"process_id,omitempty"`
	ElementID      string `json:"element_id,omitempty"`
	ElementName    string `json:"element_name,omitempty"`
	CorrelationKey string `json:"correlation_key,omitempty"`
	// InstanceKey names the instance by the record that started it
	// (topic/partition@offset), the same on every replica.
	InstanceKey  string     `json:"instance_key,omitempty"`
	WaitingSince *time.Time `json:"waiting_since,omitempty"`
	AgeSeconds   int64      `json:"age_seconds,omitempty"`
	// LastRecord is the instance's last record, or the unfit record.
	LastRecord  correlate.Location `json:"last_record"`
	MessageName string             `json:"message_name,omitempty"`
	Reason      string             `json:"reason,omitempty"`
}

// ContentTypeCloudEvents is the content-type header of a structured
// CloudEvents record.
const ContentTypeCloudEvents = "application/cloudevents+json; charset=UTF-8"

func newAlert(group, typ string, at time.Time, d AlertData, idParts ...string) Alert {
	h := sha256.New()
	fmt.Fprint(h, group, "\x00", typ)
	for _, p := range idParts {
		fmt.Fprint(h, "\x00", p)
	}
	return Alert{SpecVersion: "1.0", ID: hex.EncodeToString(h.Sum(nil)[:16]), Source: "wfctl/trace/" + group, Type: typ,
		Subject: d.CorrelationKey, Time: at.UTC(), DataContentType: "application/json", Data: d}
}

// instanceAlert is the alert of an instance finding.
func instanceAlert(group, typ string, at time.Time, in Instance, start correlate.Location) Alert {
	since := in.WaitingSince.UTC()
	d := AlertData{ProcessID: in.ProcessID, ElementID: in.ElementID, ElementName: in.ElementName,
		CorrelationKey: in.CorrelationKey, InstanceKey: start.String(), WaitingSince: &since, AgeSeconds: in.AgeSeconds,
		LastRecord: in.LastRecord}
	return newAlert(group, typ, at, d, start.String(), in.ElementID, since.Format(time.RFC3339Nano))
}

// unfitAlert is the alert of a record that fit no instance, or of an
// incident.
func unfitAlert(group, typ string, at time.Time, u Unfit, idParts ...string) Alert {
	d := AlertData{CorrelationKey: u.CorrelationKey, LastRecord: u.Location, MessageName: u.MessageName, Reason: u.Reason}
	return newAlert(group, typ, at, d, append([]string{u.Location.String()}, idParts...)...)
}

// MarshalValue is the alert as a record value.
func (a *Alert) MarshalValue() ([]byte, error) { return json.Marshal(a) }
