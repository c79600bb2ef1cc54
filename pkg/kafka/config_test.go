package kafka

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"
)

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestBrokerPrecedence(t *testing.T) {
	file := writeFile(t, "client.properties", "bootstrap.servers=file:9092\n")
	withEnv := env(map[string]string{BrokersEnv: "env:9092"})
	for _, tc := range []struct {
		name  string
		flags Flags
		env   func(string) string
		want  string
	}{
		{"default", Flags{}, noEnv, "localhost:9092"},
		{"file", Flags{ConfigFile: file}, noEnv, "file:9092"},
		{"env beats file", Flags{ConfigFile: file}, withEnv, "env:9092"},
		{"-b beats env", Flags{ConfigFile: file, Brokers: []string{"flag:9092", "flag2:9092"}}, withEnv, "flag:9092,flag2:9092"},
		{"-X beats -b", Flags{Brokers: []string{"flag:9092"}, Properties: []string{"bootstrap.servers=x:9092"}}, withEnv, "x:9092"},
		{"last -X wins", Flags{Properties: []string{"bootstrap.servers=x:1", "bootstrap.servers=y:2"}}, noEnv, "y:2"},
		{"spaces and empties dropped", Flags{Properties: []string{"bootstrap.servers= a:1 ,, b:2 "}}, noEnv, "a:1,b:2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(tc.flags, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.BrokerList(); got != tc.want {
				t.Errorf("brokers %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPropertiesFile(t *testing.T) {
	file := writeFile(t, "client.properties", `# Kafka client settings
! Java-style comment
bootstrap.servers = b1:9093,b2:9093
security.protocol=sasl_ssl
sasl.mechanism: SCRAM-SHA-512
sasl.username=svc-trace
sasl.password=pa=ss:word
request.timeout.ms=45000

ssl.endpoint.identification.algorithm=none
isolation.level=read_uncommitted
client.id=trace-1
session.timeout.ms=30000
`)
	cfg, err := Load(Flags{ConfigFile: file}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Brokers: []string{"b1:9093", "b2:9093"}, ClientID: "trace-1",
		TLS: true, SkipHostnameCheck: true,
		SASLMechanism: "SCRAM-SHA-512", SASLUser: "svc-trace", SASLPassword: "pa=ss:word",
		RequestTimeout: 45 * time.Second, DialTimeout: DefaultDialTimeout, ReadUncommitted: true,
		SessionTimeout: 30 * time.Second,
	}
	if !reflect.DeepEqual(*cfg, want) {
		t.Errorf("got  %+v\nwant %+v", *cfg, want)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags Flags
		want  []string // all in the message
	}{
		{"unknown property", Flags{Properties: []string{"sasl.jaas.config=x"}},
			[]string{`unknown Kafka property "sasl.jaas.config"`, "supported:", "bootstrap.servers", "isolation.level"}},
		{"unknown in file", Flags{ConfigFile: writeFile(t, "f.properties", "# c\n\ngroup.id=g\n")},
			[]string{"f.properties:3", `"group.id"`}},
		{"not key=value in file", Flags{ConfigFile: writeFile(t, "g.properties", "bootstrap.servers\n")},
			[]string{"g.properties:1", "not key=value"}},
		{"-X without =", Flags{Properties: []string{"security.protocol"}}, []string{`-X "security.protocol"`, "key=value"}},
		{"bad protocol", Flags{Properties: []string{"security.protocol=TLS"}},
			[]string{"security.protocol=TLS (from -X)", "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"}},
		{"bad mechanism", Flags{Properties: []string{"security.protocol=SASL_SSL", "sasl.mechanism=GSSAPI"}},
			[]string{"sasl.mechanism=GSSAPI", "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"}},
		{"SASL without mechanism", Flags{Properties: []string{"security.protocol=SASL_SSL"}}, []string{"needs sasl.mechanism"}},
		{"mechanism without SASL", Flags{Properties: []string{"sasl.mechanism=PLAIN"}}, []string{"security.protocol is PLAINTEXT"}},
		{"mechanism without user", Flags{Properties: []string{"security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN"}}, []string{"needs sasl.username"}},
		{"user without SASL", Flags{Properties: []string{"sasl.username=u"}}, []string{"sasl.username (from -X)"}},
		{"ssl file without SSL", Flags{Properties: []string{"ssl.ca.location=/ca.pem"}}, []string{"security.protocol=SSL"}},
		{"cert without key", Flags{Properties: []string{"security.protocol=SSL", "ssl.certificate.location=/c.pem"}}, []string{"go together"}},
		{"bad timeout", Flags{Properties: []string{"request.timeout.ms=soon"}}, []string{"request.timeout.ms=soon", "milliseconds"}},
		{"bad bool", Flags{Properties: []string{"security.protocol=SSL", "enable.ssl.certificate.verification=maybe"}}, []string{"true or false"}},
		{"empty brokers", Flags{Brokers: []string{" "}}, []string{"bootstrap.servers (from -b/--brokers) is empty"}},
		{"broker with a URL", Flags{Brokers: []string{"kafka://b:9092"}}, []string{`"kafka://b:9092" is not host:port`}},
		{"missing file", Flags{ConfigFile: "/nonexistent/client.properties"}, []string{"--kafka-config /nonexistent/client.properties: no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.flags, noEnv)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want a ConfigError", err, err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestEnvBrokersNamedInErrors(t *testing.T) {
	_, err := Load(Flags{}, env(map[string]string{BrokersEnv: "a b"}))
	if err == nil || !strings.Contains(err.Error(), "from WFCTL_BROKERS") {
		t.Errorf("err = %v, want one naming WFCTL_BROKERS", err)
	}
}

func TestOptsBuildTheClient(t *testing.T) {
	cfg, err := Load(Flags{Brokers: []string{"b1:9092", "b2:9092"}, Properties: []string{"client.id=me", "socket.connection.setup.timeout.ms=1500"}}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cfg.Opts()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...) // does not dial until used
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if got := cl.OptValue(kgo.SeedBrokers).([]string); !slices.Equal(got, []string{"b1:9092", "b2:9092"}) {
		t.Errorf("seed brokers %v", got)
	}
	if got := cl.OptValue(kgo.ClientID); got != "me" {
		t.Errorf("client id %v", got)
	}
	if got := cl.OptValue(kgo.DialTimeout); got != 1500*time.Millisecond {
		t.Errorf("dial timeout %v", got)
	}
	if got := cl.OptValue(kgo.FetchIsolationLevel); got != int8(1) {
		t.Errorf("isolation level %v, want read committed (1)", got)
	}
}

func TestOptsTLSFiles(t *testing.T) {
	pki := newTestPKI(t)
	garbage := writeFile(t, "garbage.pem", "not a certificate")
	for _, tc := range []struct {
		name  string
		props []string
		want  string
	}{
		{"missing CA file", []string{"ssl.ca.location=/nonexistent/ca.pem"}, "ssl.ca.location /nonexistent/ca.pem: no such file"},
		{"CA file without PEM", []string{"ssl.ca.location=" + garbage}, "no PEM certificate"},
		{"key that is not the certificate's", []string{"ssl.certificate.location=" + pki.ClientCertFile, "ssl.key.location=" + garbage}, "ssl.certificate.location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(Flags{Properties: append([]string{"security.protocol=SSL"}, tc.props...)}, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			_, err = cfg.Opts()
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a ConfigError with %q", err, tc.want)
			}
		})
	}
}

func TestBindFlags(t *testing.T) {
	var f Flags
	fs := pflag.NewFlagSet("trace", pflag.ContinueOnError)
	BindFlags(fs, &f)
	args := []string{"-b", "a:1,b:2", "--brokers", "c:3", "-X", "client.id=x", "-X", "bootstrap.servers=d:4,e:5", "--kafka-config", "k.properties"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := Flags{Brokers: []string{"a:1", "b:2", "c:3"}, Properties: []string{"client.id=x", "bootstrap.servers=d:4,e:5"}, ConfigFile: "k.properties"}
	if !slices.Equal(f.Brokers, want.Brokers) || !slices.Equal(f.Properties, want.Properties) || f.ConfigFile != want.ConfigFile {
		t.Errorf("parsed %+v, want %+v", f, want)
	}
	if fs.Lookup("kafka-property").Shorthand != "X" {
		t.Error("-X is not the shorthand of --kafka-property")
	}
}

func TestConfigStringHidesPassword(t *testing.T) {
	cfg, err := Load(Flags{Properties: []string{"security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "sasl.username=u", "sasl.password=hunter2"}}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "user=u") {
		t.Errorf("String() = %q", s)
	}
}
