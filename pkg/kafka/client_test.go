package kafka

import (
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wfctl/wfctl/pkg/broker"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// dial is Load and NewClient, returning NewClient's error.
func dial(t testing.TB, addr string, props ...string) error {
	t.Helper()
	cfg, err := Load(Flags{Brokers: []string{addr}, Properties: props}, noEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	cl, err := NewClient(testContext(t), cfg)
	if err == nil {
		cl.Close()
	}
	return err
}

// wantInfra checks err is an InfraError of the kind whose message holds
// every want.
func wantInfra(t testing.TB, err, kind error, want ...string) {
	t.Helper()
	var ie *InfraError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want an InfraError", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("err %q is of kind %v, want %v", err, ie.Kind, kind)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q lacks %q", err, w)
		}
	}
}

func TestUnreachableBrokerFailsFastAndClearly(t *testing.T) {
	addr := closedPort(t)
	start := time.Now()
	err := dial(t, addr)
	elapsed := time.Since(start)
	wantInfra(t, err, ErrUnreachable, "cannot reach broker "+addr+" (connection refused): check -b/--brokers, WFCTL_BROKERS or the profile (wfctl profile list)")
	// Not a timing assertion on the machine's speed: franz-go's default
	// retries take minutes; anything near that is the bug this guards.
	if elapsed > 15*time.Second {
		t.Errorf("took %v to report a refused connection", elapsed)
	}
	t.Logf("refused connection reported in %v", elapsed)
}

func TestUnknownHost(t *testing.T) {
	wantInfra(t, dial(t, "broker.invalid:9092"), ErrUnreachable, "cannot reach broker broker.invalid:9092 (no such host)")
}

func TestSASLAgainstKfake(t *testing.T) {
	b := startBroker(t,
		broker.WithSASLUser("PLAIN", "alice", "a-secret"),
		broker.WithSASLUser("SCRAM-SHA-256", "bob", "b-secret"),
		broker.WithSASLUser("SCRAM-SHA-512", "carol", "c-secret"),
		broker.WithTopics("orders"))
	sasl := func(mech, user, pass string) []string {
		return []string{"security.protocol=SASL_PLAINTEXT", "sasl.mechanism=" + mech, "sasl.username=" + user, "sasl.password=" + pass}
	}
	for _, tc := range []struct{ mech, user, pass string }{
		{"PLAIN", "alice", "a-secret"}, {"SCRAM-SHA-256", "bob", "b-secret"}, {"SCRAM-SHA-512", "carol", "c-secret"},
	} {
		t.Run(tc.mech, func(t *testing.T) {
			cl := connect(t, b.Addr(), sasl(tc.mech, tc.user, tc.pass)...)
			if _, err := ReadHistory(testContext(t), cl, History{Topics: []string{"orders"}}, nil); err != nil {
				t.Errorf("reading after authenticating: %v", err)
			}
			err := dial(t, b.Addr(), sasl(tc.mech, tc.user, "wrong")...)
			wantInfra(t, err, ErrAuth, "SASL authentication", `"`+tc.user+`"`, tc.mech, "check sasl.username, sasl.password")
		})
	}
	t.Run("no SASL configured", func(t *testing.T) {
		wantInfra(t, dial(t, b.Addr()), ErrUnreachable, "closed the connection", "SASL", "security.protocol (now PLAINTEXT)")
	})
}

func TestTLSAgainstKfake(t *testing.T) {
	pki := newTestPKI(t)
	tlsBroker := startBroker(t, broker.WithTLS(pki.ServerConfig), broker.WithTopics("orders"))
	mutual := startBroker(t, broker.WithTLS(pki.requireClientCerts()))
	plain := startBroker(t)
	ssl := func(props ...string) []string { return append([]string{"security.protocol=SSL"}, props...) }
	ca := "ssl.ca.location=" + pki.CAFile

	t.Run("trusted CA", func(t *testing.T) {
		cl := connect(t, tlsBroker.Addr(), ssl(ca)...)
		if _, err := ReadHistory(testContext(t), cl, History{Topics: []string{"orders"}}, nil); err != nil {
			t.Error(err)
		}
	})
	t.Run("unknown CA", func(t *testing.T) {
		err := dial(t, tlsBroker.Addr(), ssl()...)
		wantInfra(t, err, ErrTLS, "TLS handshake with broker "+tlsBroker.Addr(), "unknown authority", "ssl.ca.location")
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("the cause is not kept: %#v", err)
		}
	})
	t.Run("verification off", func(t *testing.T) {
		if err := dial(t, tlsBroker.Addr(), ssl("enable.ssl.certificate.verification=false")...); err != nil {
			t.Error(err)
		}
	})
	t.Run("host name not in certificate", func(t *testing.T) {
		elsewhere := startBroker(t, broker.WithTLS(pki.WrongNameConfig))
		wantInfra(t, dial(t, elsewhere.Addr(), ssl(ca)...), ErrTLS, "cannot validate certificate for 127.0.0.1", "ssl.endpoint.identification.algorithm=none")
		if err := dial(t, elsewhere.Addr(), ssl(ca, "ssl.endpoint.identification.algorithm=none")...); err != nil {
			t.Errorf("with host name checks off: %v", err)
		}
		// Off means the name only: the chain is still checked.
		wantInfra(t, dial(t, elsewhere.Addr(), ssl("ssl.endpoint.identification.algorithm=none")...), ErrTLS, "unknown authority")
	})
	t.Run("mutual TLS", func(t *testing.T) {
		wantInfra(t, dial(t, mutual.Addr(), ssl(ca)...), ErrTLS, "certificate required")
		if err := dial(t, mutual.Addr(), ssl(ca, "ssl.certificate.location="+pki.ClientCertFile, "ssl.key.location="+pki.ClientKeyFile)...); err != nil {
			t.Errorf("with a client certificate: %v", err)
		}
	})
	t.Run("plaintext client, TLS broker", func(t *testing.T) {
		wantInfra(t, dial(t, tlsBroker.Addr()), ErrUnreachable, "closed the connection", "TLS", "security.protocol (now PLAINTEXT)")
	})
	t.Run("TLS client, plaintext broker", func(t *testing.T) {
		// The broker waits for a Kafka request that never comes: only
		// the dial timeout ends it, so keep that short.
		err := dial(t, plain.Addr(), ssl(ca, "socket.connection.setup.timeout.ms=300")...)
		wantInfra(t, err, ErrUnreachable, "timed out", "check security.protocol")
	})
}
