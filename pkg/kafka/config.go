package kafka

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is a resolved Kafka client configuration. Build it with [Load]
// (or fill it by hand in tests) and turn it into kgo options with
// [Config.Opts] or a connected client with [NewClient].
type Config struct {
	Brokers  []string
	ClientID string

	// TLS is true for security.protocol SSL and SASL_SSL.
	TLS                  bool
	CAFile               string // ssl.ca.location; "" trusts the system's CAs
	CertFile, KeyFile    string // ssl.certificate.location, ssl.key.location
	SkipHostnameCheck    bool   // ssl.endpoint.identification.algorithm=none
	SkipCertificateCheck bool   // enable.ssl.certificate.verification=false

	// SASLMechanism is "" (no SASL), PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
	SASLMechanism string
	SASLUser      string
	SASLPassword  string

	// RequestTimeout is request.timeout.ms: 0 keeps franz-go's default.
	RequestTimeout time.Duration
	// DialTimeout bounds a connection attempt, TCP and TLS together.
	DialTimeout time.Duration
	// ReadUncommitted is isolation.level=read_uncommitted.
	ReadUncommitted bool
	// SessionTimeout is session.timeout.ms, for consumer groups: 0 keeps
	// the group's default.
	SessionTimeout time.Duration
}

// DefaultDialTimeout is how long a connection attempt may take unless
// socket.connection.setup.timeout.ms says otherwise: short, so a wrong
// address fails in seconds rather than after franz-go's retries.
const DefaultDialTimeout = 3 * time.Second

// Load resolves the Kafka configuration from, in increasing precedence:
// the profile (--profile, else WFCTL_PROFILE, else the current one; see
// [Profile]), the --kafka-config file, the WFCTL_BROKERS environment
// variable, the -b/--brokers flag and each -X property in order. getenv is os.Getenv in
// production. Every error is a [*ConfigError] except an existing file that
// cannot be read, which is an [*InfraError].
func Load(f Flags, getenv func(string) string) (*Config, error) {
	props := settings{}
	p, origin, err := activeProfile(f, getenv)
	if err != nil {
		return nil, err
	}
	if p != nil {
		if err := applyProfile(props, p, origin); err != nil {
			return nil, err
		}
	}
	if f.ConfigFile != "" {
		data, err := os.ReadFile(f.ConfigFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, configErrorf("--kafka-config %s: no such file", f.ConfigFile)
		}
		if err != nil {
			return nil, infraErrorf(nil, err, "--kafka-config: %v", err)
		}
		if err := parseProperties(f.ConfigFile, data, props); err != nil {
			return nil, err
		}
	}
	if env := getenv(BrokersEnv); env != "" {
		props.set("bootstrap.servers", env, BrokersEnv)
	}
	if len(f.Brokers) > 0 {
		props.set("bootstrap.servers", strings.Join(f.Brokers, ","), "-b/--brokers")
	}
	for _, kv := range f.Properties {
		key, value, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, configErrorf("-X %q: want key=value, e.g. -X security.protocol=SASL_SSL", kv)
		}
		if err := props.set(strings.TrimSpace(key), value, "-X"); err != nil {
			return nil, err
		}
	}
	return fromSettings(props)
}

func applyProfile(props settings, p *Profile, origin string) error {
	if len(p.Brokers) > 0 {
		props.set("bootstrap.servers", strings.Join(p.Brokers, ","), origin)
	}
	for _, kv := range p.Properties {
		key, value, ok := strings.Cut(kv, "=")
		if !ok {
			return configErrorf("%s: property %q: want key=value", origin, kv)
		}
		if err := props.set(strings.TrimSpace(key), value, origin); err != nil {
			return err
		}
	}
	return nil
}

// fromSettings checks each property and how they fit together.
func fromSettings(props settings) (*Config, error) {
	c := &Config{ClientID: "wfctl", DialTimeout: DefaultDialTimeout}
	brokers := setting{value: DefaultBrokers, origin: "default"}
	if s, ok := props["bootstrap.servers"]; ok {
		brokers = s
	}
	var err error
	if c.Brokers, err = parseBrokers(brokers); err != nil {
		return nil, err
	}
	if s, ok := props["client.id"]; ok {
		c.ClientID = s.value
	}
	parsers := []func(*Config, settings) error{parseSecurity, parseTLSFiles, parseSASL, parseTimeouts, parseIsolation}
	for _, parse := range parsers {
		if err := parse(c, props); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parseBrokers(s setting) ([]string, error) {
	var brokers []string
	for _, b := range strings.Split(s.value, ",") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		if strings.ContainsAny(b, " \t/") {
			return nil, configErrorf("bootstrap.servers (from %s): %q is not host:port", s.origin, b)
		}
		brokers = append(brokers, b)
	}
	if len(brokers) == 0 {
		return nil, configErrorf("bootstrap.servers (from %s) is empty: give host:port,...", s.origin)
	}
	return brokers, nil
}

// oneOf checks an enumerated property, case-insensitively as librdkafka
// does, and returns the canonical spelling.
func oneOf(props settings, name, def string, allowed ...string) (string, error) {
	s, ok := props[name]
	if !ok {
		return def, nil
	}
	for _, a := range allowed {
		if strings.EqualFold(s.value, a) {
			return a, nil
		}
	}
	return "", configErrorf("%s=%s (from %s): want one of %s", name, s.value, s.origin, strings.Join(allowed, ", "))
}

func parseSecurity(c *Config, props settings) error {
	proto, err := oneOf(props, "security.protocol", "PLAINTEXT", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
	if err != nil {
		return err
	}
	c.TLS = proto == "SSL" || proto == "SASL_SSL"
	sasl := strings.HasPrefix(proto, "SASL_")
	mech, err := oneOf(props, "sasl.mechanism", "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
	if err != nil {
		return err
	}
	switch {
	case sasl && mech == "":
		return configErrorf("security.protocol=%s needs sasl.mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", proto)
	case !sasl && mech != "":
		return configErrorf("sasl.mechanism=%s is set but security.protocol is %s: set security.protocol=SASL_SSL (or SASL_PLAINTEXT)", mech, proto)
	}
	c.SASLMechanism = mech
	return nil
}

func parseTLSFiles(c *Config, props settings) error {
	c.CAFile = props["ssl.ca.location"].value
	c.CertFile = props["ssl.certificate.location"].value
	c.KeyFile = props["ssl.key.location"].value
	alg, err := oneOf(props, "ssl.endpoint.identification.algorithm", "https", "https", "none")
	if err != nil {
		return err
	}
	c.SkipHostnameCheck = alg == "none"
	verify, err := parseBool(props, "enable.ssl.certificate.verification", true)
	if err != nil {
		return err
	}
	c.SkipCertificateCheck = !verify
	if !c.TLS {
		for _, name := range []string{"ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.endpoint.identification.algorithm", "enable.ssl.certificate.verification"} {
			if s, ok := props[name]; ok {
				return configErrorf("%s (from %s) is set but security.protocol is not SSL or SASL_SSL: set security.protocol=SSL to use TLS", name, s.origin)
			}
		}
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return configErrorf("ssl.certificate.location and ssl.key.location go together: give both for mutual TLS, or neither")
	}
	return nil
}

func parseSASL(c *Config, props settings) error {
	c.SASLUser = props["sasl.username"].value
	c.SASLPassword = props["sasl.password"].value
	if c.SASLMechanism == "" {
		for _, name := range []string{"sasl.username", "sasl.password"} {
			if s, ok := props[name]; ok {
				return configErrorf("%s (from %s) is set but security.protocol is not SASL_SSL or SASL_PLAINTEXT", name, s.origin)
			}
		}
		return nil
	}
	if c.SASLUser == "" {
		return configErrorf("sasl.mechanism=%s needs sasl.username and sasl.password", c.SASLMechanism)
	}
	return nil
}

func parseTimeouts(c *Config, props settings) error {
	for _, name := range []string{"socket.timeout.ms", "request.timeout.ms"} { // the second wins
		if d, ok, err := parseMillis(props, name); err != nil {
			return err
		} else if ok {
			c.RequestTimeout = d
		}
	}
	d, ok, err := parseMillis(props, "socket.connection.setup.timeout.ms")
	if err != nil {
		return err
	}
	if ok {
		c.DialTimeout = d
	}
	d, ok, err = parseMillis(props, "session.timeout.ms")
	if ok {
		c.SessionTimeout = d
	}
	return err
}

func parseIsolation(c *Config, props settings) error {
	level, err := oneOf(props, "isolation.level", "read_committed", "read_committed", "read_uncommitted")
	c.ReadUncommitted = level == "read_uncommitted"
	return err
}

func parseMillis(props settings, name string) (time.Duration, bool, error) {
	s, ok := props[name]
	if !ok {
		return 0, false, nil
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(s.value), 10, 64)
	if err != nil || ms <= 0 || ms > int64(24*time.Hour/time.Millisecond) {
		return 0, false, configErrorf("%s=%s (from %s): want milliseconds, a whole number from 1 to 86400000", name, s.value, s.origin)
	}
	return time.Duration(ms) * time.Millisecond, true, nil
}

func parseBool(props settings, name string, def bool) (bool, error) {
	s, ok := props[name]
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s.value))
	if err != nil {
		return false, configErrorf("%s=%s (from %s): want true or false", name, s.value, s.origin)
	}
	return b, nil
}

// BrokerList is the brokers as the user wrote them, for messages.
func (c *Config) BrokerList() string { return strings.Join(c.Brokers, ",") }

// String describes the configuration without secrets.
func (c *Config) String() string {
	parts := []string{"brokers=" + c.BrokerList()}
	if c.TLS {
		parts = append(parts, "tls")
	}
	if c.SASLMechanism != "" {
		parts = append(parts, fmt.Sprintf("sasl=%s user=%s", c.SASLMechanism, c.SASLUser))
	}
	return strings.Join(parts, " ")
}
