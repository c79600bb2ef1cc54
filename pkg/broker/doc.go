// Package broker runs wfctl's in-process development broker: a
// Kafka-compatible cluster of one broker, served by franz-go's kfake over
// real TCP, so that `wfctl dev`, the end-to-end tests and anyone's kgo or
// kcat can talk to it exactly as they would to Kafka.
//
// # Defaults
//
// [Start] without options listens on 127.0.0.1:9092 (the address every wfctl
// command dials when neither -b nor WFCTL_BROKERS says otherwise), keeps
// everything in memory, runs one broker (kfake's default is three), creates
// topics only when asked (explicit CreateTopics, or [WithAutoCreateTopics])
// and gives new topics one partition (kfake's default is ten), so that a
// demo's events keep one total order unless a test asks for more with
// [WithPartitions]. Port 0 in [WithListenAddr] picks any free port; read it
// back with [Broker.Addr].
//
// # Persistence
//
// [WithDataDir] turns on kfake's own on-disk persistence (kfake.DataDir)
// with synced writes (kfake.SyncWrites: every produced batch is fsynced
// before it is acknowledged), so a broker restarted on the same folder has
// every acknowledged record, topic, committed offset and transaction state
// back. The folder is locked while a broker runs on it (an flock on
// wfctl-broker.lock that holds the owner's PID; the operating system releases
// it when the process dies, so a crashed broker never leaves a stale lock):
// a second broker on the same folder, in this process or another, is refused
// with [ErrDataDirLocked].
//
// # Errors
//
// Every error [Start] returns is an infrastructure error (exit code 3 in the
// CLI) except an [*OptionError], which is a usage error (exit code 2). A
// port that is taken wraps [ErrAddrInUse]; a locked data folder wraps
// [ErrDataDirLocked].
//
// # Pinned versions
//
// kfake is its own module (github.com/twmb/franz-go/pkg/kfake) that has no
// tags, only pseudo-versions, and its go.mod asks for an older franz-go than
// the one wfctl uses. The pins, chosen together and upgraded together on
// purpose:
//
//	github.com/twmb/franz-go            v1.22.3
//	github.com/twmb/franz-go/pkg/kadm   v1.19.0
//	github.com/twmb/franz-go/pkg/kmsg   v1.15.1  (what franz-go v1.22.3 requires)
//	github.com/twmb/franz-go/pkg/kfake  v0.0.0-20260918054303-01f206a7e32c
//
// kfake at that commit was the newest on the module proxy. Its go.mod asks
// for franz-go v1.21.7, kadm v1.18.0 and kmsg v1.14.0; minimal version
// selection raises them to the pins above, and kfake builds and passes this
// package's tests against them (kfake only uses kgo, kmsg and kversion API
// that v1.22 still has). When upgrading, move all four at once and run
// `go test ./pkg/broker/... ./pkg/kafka/...`, which exercise kfake through
// real clients over TCP.
package broker
