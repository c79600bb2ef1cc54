package dev

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTLSRealBinary: wfctl dev --tls-cert/--tls-key with SASL serves
// clients that trust the certificate and give credentials
// (security.protocol=SASL_SSL), and refuses plaintext ones.
func TestTLSRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wfctl")
	}
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, cert, key)
	bin := buildWfctl(t)
	p := startDev(t, bin, "--port", "0", "--in-memory", "--tls-cert", cert, "--tls-key", key, "--sasl-user", "alice:s3cret")
	_, port, _ := net.SplitHostPort(p.addr)
	run := func(args ...string) (string, int) {
		out, err := exec.Command(bin, append([]string{"instance", "list", "-b", "127.0.0.1:" + port}, args...)...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	if out, code := run("-X", "security.protocol=SASL_SSL", "-X", "ssl.ca.location="+cert,
		"-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.username=alice", "-X", "sasl.password=s3cret"); code != 0 || !strings.Contains(out, "KEY") {
		t.Errorf("over TLS with credentials: exit %d\n%s", code, out)
	}
	if out, code := run(); code != 3 {
		t.Errorf("plaintext: exit %d\n%s", code, out)
	}
}

func writeSelfSigned(t *testing.T, certPath, keyPath string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wfctl dev test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
}
