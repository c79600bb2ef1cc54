// Package timersyntax reads the static values of timer events the way
// Zeebe does at deploy time: timeDuration with java.time's Period and
// Duration grammars (Zeebe's Interval.parse), timeDate as a java.time
// ZonedDateTime (ISO 8601 with a mandatory offset and an optional
// [Region/Id]), and timeCycle as an ISO 8601 repeating interval when it
// starts with "R", else as a Spring cron expression (cron.go), with the
// schedule a cron expression gives (schedule.go). The grammars follow
// Java's, quirks included, so that a value wfctl accepts deploys and one
// it rejects does not; where Go cannot represent a value Java can (a
// duration over ~292 years) the parser says so instead of guessing.
//
// The validator (bpmn/lint's timer rule), the engine (its timers) and
// trace (stall thresholds from timer boundaries, --stall-after) all read
// timer values here.
package timersyntax
