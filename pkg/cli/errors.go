package cli

import (
	"errors"
	"fmt"
)

// Exit codes, the same for every command (`wfctl help exit-codes`).
const (
	ExitOK       = 0 // success, nothing found
	ExitFindings = 1 // findings: validation errors, stalled instances when asked to fail
	ExitUsage    = 2 // usage or input error: bad flags, missing files, unknown keys
	ExitInfra    = 3 // infrastructure error: broker unreachable, I/O failure, anything unforeseen
)

const exitCodesHelp = `Every wfctl command exits with one of:

  0  ok: the command did its job and found nothing to report
  1  findings: validation errors (or more warnings than --max-warnings),
     stalled or unfit instances when --fail-on asks for it, a model deploy
     refuses, a command the engine rejects, an --await that timed out
  2  usage or input error: unknown flag or command, a missing argument or
     required flag, flags that exclude each other, an -o format the command
     does not write, a path or glob that matches no file, a key (instance,
     job, incident, ...) the engine does not know, a malformed config or
     argument
  3  infrastructure error: a file that exists but cannot be read, a
     broker that cannot be reached (or no wfctl engine on it), a failed
     write, a port or data folder already in use; and any error wfctl did
     not foresee (please report it)
`

// UsageError is a mistake in how the command was called: exit 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// InfraError is an infrastructure failure: exit 3.
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }

// FindingError is a finding reported as an error message, exit 1 (a
// command the engine rejected, a deployment that does not validate).
type FindingError struct{ Err error }

func (e *FindingError) Error() string { return e.Err.Error() }
func (e *FindingError) Unwrap() error { return e.Err }

// ExitError ends the command with a code after it has reported what it
// found; it prints nothing more.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var ee *ExitError
	var ue *UsageError
	var ie *InfraError
	var fe *FindingError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &fe):
		return ExitFindings
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &ie):
		return ExitInfra
	}
	return ExitInfra // unforeseen: not the user's fault as far as wfctl knows
}
