package kafka

import (
	"errors"
	"fmt"
)

// ConfigError is a mistake in what the user asked for: a flag, a -X
// property, a --kafka-config file, WFCTL_BROKERS, a --from/--to position.
// The CLI maps it to the usage exit code (2).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Err: fmt.Errorf(format, args...)}
}

// InfraError is a failure to work with Kafka itself: a broker that cannot be
// reached, refused credentials, a failed TLS handshake, a missing topic, a
// file that exists but cannot be read. The CLI maps it to the infrastructure
// exit code (3). Kind, when not nil, is one of [ErrUnreachable], [ErrAuth],
// [ErrTLS] or [ErrTopicNotFound], so callers can test with errors.Is.
type InfraError struct {
	Kind error
	Msg  string // the whole message for the user
	Err  error  // the underlying error, if any
}

func (e *InfraError) Error() string { return e.Msg }

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *InfraError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Kind, e.Err} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func infraErrorf(kind, cause error, format string, args ...any) error {
	return &InfraError{Kind: kind, Err: cause, Msg: fmt.Sprintf(format, args...)}
}

// Kinds of [InfraError].
var (
	ErrUnreachable   = errors.New("broker unreachable")
	ErrAuth          = errors.New("authentication failed")
	ErrTLS           = errors.New("TLS failure")
	ErrTopicNotFound = errors.New("topic not found")
)
