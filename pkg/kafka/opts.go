package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Opts turns the configuration into franz-go client options. It is the one
// place wfctl builds Kafka client options: every client, producer, consumer
// and admin, starts from it. It reads the TLS files, so it can fail: a
// missing or malformed file is a [*ConfigError], an unreadable one an
// [*InfraError].
func (c *Config) Opts() ([]kgo.Opt, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		kgo.DialTimeout(c.DialTimeout),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	}
	if c.ReadUncommitted {
		opts[len(opts)-1] = kgo.FetchIsolationLevel(kgo.ReadUncommitted())
	}
	if c.RequestTimeout > 0 {
		opts = append(opts, kgo.RequestTimeoutOverhead(c.RequestTimeout))
	}
	if c.TLS {
		tc, err := c.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if c.SASLMechanism != "" {
		opts = append(opts, kgo.SASL(c.saslMechanism()))
	}
	return opts, nil
}

func (c *Config) saslMechanism() sasl.Mechanism {
	switch c.SASLMechanism {
	case "PLAIN":
		return plain.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsMechanism()
	case "SCRAM-SHA-512":
		return scram.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsSha512Mechanism()
	default: // SCRAM-SHA-256; Load accepts nothing else
		return scram.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsSha256Mechanism()
	}
}

func (c *Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := readTLSFile("ssl.ca.location", c.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, configErrorf("ssl.ca.location %s: no PEM certificate in it", c.CAFile)
		}
	}
	if c.CertFile != "" {
		cert, err := c.clientCertificate()
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	switch {
	case c.SkipCertificateCheck:
		tc.InsecureSkipVerify = true
	case c.SkipHostnameCheck:
		// Go has no switch for "check the chain but not the name": turn
		// off its check and verify the chain ourselves.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = verifyChainOnly(tc.RootCAs)
	}
	return tc, nil
}

func (c *Config) clientCertificate() (tls.Certificate, error) {
	certPEM, err := readTLSFile("ssl.certificate.location", c.CertFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readTLSFile("ssl.key.location", c.KeyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, configErrorf("ssl.certificate.location %s with ssl.key.location %s: %v", c.CertFile, c.KeyFile, err)
	}
	return cert, nil
}

func readTLSFile(property, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, configErrorf("%s %s: no such file", property, path)
	}
	if err != nil {
		return nil, infraErrorf(nil, err, "%s: %v", property, err)
	}
	return b, nil
}

func verifyChainOnly(roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("the broker sent no certificate")
		}
		opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
		for _, cert := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(cert)
		}
		if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
			return fmt.Errorf("verifying the broker's certificate: %w", err)
		}
		return nil
	}
}
