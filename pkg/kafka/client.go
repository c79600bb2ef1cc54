package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// NewClient builds a client from the configuration (plus extra options,
// which win) and checks, before returning, that a broker answers: a wrong
// address, refused credentials or a failed TLS handshake is reported here,
// within seconds, as an [*InfraError] that says what to check, instead of
// surfacing later as franz-go retrying for a minute. The check costs one
// metadata request on a connection the client keeps.
func NewClient(ctx context.Context, c *Config, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := c.Opts()
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, &ConfigError{Err: fmt.Errorf("kafka client: %w", err)}
	}
	// Ping dials each seed once, without franz-go's retries; the deadline
	// covers a dial per seed and one answer.
	wait := time.Duration(len(c.Brokers))*c.DialTimeout + max(c.RequestTimeout, 10*time.Second)
	pctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := cl.Ping(pctx); err != nil {
		cl.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// Our deadline, or the TLS dialer's (which reports its
			// timeout as the context's): either way, no answer in time.
			err = fmt.Errorf("%w: %w", os.ErrDeadlineExceeded, err)
		}
		return nil, Classify(err, c)
	}
	return cl, nil
}

// Classify turns an error from franz-go into an [*InfraError] that names
// the brokers and says what to check. It returns context errors, typed
// wfctl errors and nil unchanged. c may be nil; messages then name no
// settings.
func Classify(err error, c *Config) error {
	var seeds []string
	if c != nil {
		seeds = c.Brokers
	}
	return classify(err, seeds, c)
}

func classify(err error, seeds []string, c *Config) error {
	var ce *ConfigError
	var ie *InfraError
	if err == nil || errors.As(err, &ce) || errors.As(err, &ie) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	brokers := "the brokers"
	if len(seeds) > 0 {
		brokers = plural(len(seeds), "broker ", "brokers ") + strings.Join(seeds, ", ")
	}
	if e, ok := classifyTLS(err, brokers); ok {
		return e
	}
	if e, ok := classifyAuth(err, brokers, c); ok {
		return e
	}
	if reason, ok := unreachableReason(err); ok {
		if reason == "timed out" && c != nil && c.TLS {
			reason = "timed out; with TLS on, this is also what a port without TLS does: check security.protocol"
		}
		return infraErrorf(ErrUnreachable, err, "cannot reach %s (%s): check -b/--brokers, %s or the profile (wfctl profile list)", brokers, reason, BrokersEnv)
	}
	var eof *kgo.ErrFirstReadEOF
	if errors.As(err, &eof) {
		return infraErrorf(ErrUnreachable, err, "%s closed the connection at once: %v Check security.protocol (%s)", brokers, err, c.protocol())
	}
	if errors.Is(err, io.EOF) && c != nil && c.SASLMechanism != "" {
		// Some brokers (kfake among them) close the connection on bad
		// credentials instead of answering SaslAuthenticationFailed.
		return infraErrorf(ErrAuth, err, "%s closed the connection during SASL authentication as %q with %s: check sasl.username, sasl.password and sasl.mechanism, and that the broker expects SASL there (security.protocol)", brokers, c.SASLUser, c.SASLMechanism)
	}
	return infraErrorf(nil, err, "kafka (%s): %v", brokers, err)
}

func classifyTLS(err error, brokers string) (error, bool) {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		header    tls.RecordHeaderError
		alert     tls.AlertError
		remote    *net.OpError // "remote error": the broker sent a TLS alert
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verify) && errors.As(verify.Err, &unknownCA):
		return infraErrorf(ErrTLS, err, "TLS handshake with %s failed: the broker's certificate is signed by an unknown authority: set ssl.ca.location to the CA file (or enable.ssl.certificate.verification=false for a test broker)", brokers), true
	case errors.As(err, &hostname):
		return infraErrorf(ErrTLS, err, "TLS handshake with %s failed: %v: connect by a name the certificate holds, or set ssl.endpoint.identification.algorithm=none", brokers, hostname), true
	case errors.As(err, &header):
		return infraErrorf(ErrTLS, err, "TLS handshake with %s failed: the broker does not speak TLS there: check security.protocol (SSL or SASL_SSL need a TLS listener)", brokers), true
	case errors.As(err, &invalid), errors.As(err, &verify), errors.As(err, &alert),
		errors.As(err, &remote) && remote.Op == "remote error":
		return infraErrorf(ErrTLS, err, "TLS handshake with %s failed: %v: check ssl.ca.location, ssl.certificate.location and ssl.key.location", brokers, err), true
	}
	return nil, false
}

func classifyAuth(err error, brokers string, c *Config) (error, bool) {
	var kerror *kerr.Error
	if !errors.As(err, &kerror) {
		return nil, false
	}
	switch kerror {
	case kerr.SaslAuthenticationFailed, kerr.IllegalSaslState, kerr.UnsupportedSaslMechanism:
		who := ""
		if c != nil {
			who = fmt.Sprintf(" as %q with %s", c.SASLUser, c.SASLMechanism)
		}
		return infraErrorf(ErrAuth, err, "SASL authentication to %s%s failed (%s): check sasl.username, sasl.password and sasl.mechanism", brokers, who, kerror.Message), true
	case kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed, kerr.GroupAuthorizationFailed:
		return infraErrorf(ErrAuth, err, "%s refused: %s", brokers, kerror.Description), true
	}
	return nil, false
}

// unreachableReason says in a few words why a dial failed.
func unreachableReason(err error) (string, bool) {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host", true
		}
		return "name lookup failed: " + dnsErr.Err, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host", true
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out", true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return opErr.Err.Error(), true
	}
	return "", false
}

func (c *Config) protocol() string {
	if c == nil {
		return "unknown"
	}
	switch {
	case c.TLS && c.SASLMechanism != "":
		return "now SASL_SSL"
	case c.TLS:
		return "now SSL"
	case c.SASLMechanism != "":
		return "now SASL_PLAINTEXT"
	}
	return "now PLAINTEXT"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
