package kafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testPKI is a throwaway certificate authority with a broker certificate
// for 127.0.0.1 and localhost and a client certificate, written as PEM
// files for ssl.*.location properties.
type testPKI struct {
	CAFile, ClientCertFile, ClientKeyFile string
	ServerConfig                          *tls.Config // for the broker
	WrongNameConfig                       *tls.Config // a broker certificate for another host only
	caPool                                *x509.CertPool
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, caCert := newCert(t, "wfctl test CA", nil, nil, func(c *x509.Certificate) {
		c.IsCA, c.BasicConstraintsValid = true, true
		c.KeyUsage = x509.KeyUsageCertSign
	})
	serverKey, serverCert := newCert(t, "broker", caCert, caKey, func(c *x509.Certificate) {
		c.DNSNames = []string{"localhost"}
		c.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	otherKey, otherCert := newCert(t, "elsewhere", caCert, caKey, func(c *x509.Certificate) {
		c.DNSNames = []string{"elsewhere.test"}
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	clientKey, clientCert := newCert(t, "client", caCert, caKey, func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})
	p := &testPKI{
		CAFile:         writePEM(t, dir, "ca.pem", "CERTIFICATE", caCert.Raw),
		ClientCertFile: writePEM(t, dir, "client.pem", "CERTIFICATE", clientCert.Raw),
		ClientKeyFile:  writePEM(t, dir, "client.key", "PRIVATE KEY", marshalKey(t, clientKey)),
		caPool:         x509.NewCertPool(),
	}
	p.caPool.AddCert(caCert)
	p.ServerConfig = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{serverCert.Raw}, PrivateKey: serverKey}},
		MinVersion:   tls.VersionTLS12,
	}
	p.WrongNameConfig = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{otherCert.Raw}, PrivateKey: otherKey}},
		MinVersion:   tls.VersionTLS12,
	}
	return p
}

// requireClientCerts makes the broker demand a client certificate from
// this CA (mutual TLS).
func (p *testPKI) requireClientCerts() *tls.Config {
	c := p.ServerConfig.Clone()
	c.ClientAuth, c.ClientCAs = tls.RequireAndVerifyClientCert, p.caPool
	return c
}

func newCert(t testing.TB, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, edit func(*x509.Certificate)) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	edit(tmpl)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func marshalKey(t testing.TB, key *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func writePEM(t testing.TB, dir, name, kind string, der []byte) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
