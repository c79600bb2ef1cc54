package kafka

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Property is one client property wfctl understands, named as the Kafka
// Java client and librdkafka (kcat) name it.
type Property struct {
	Name string
	Doc  string
}

// Properties lists every property accepted in a --kafka-config file and by
// -X, in the order `wfctl help` shows them.
var Properties = []Property{
	{"bootstrap.servers", "brokers to bootstrap from, host:port,... (also -b/--brokers, WFCTL_BROKERS)"},
	{"client.id", "client id sent to the brokers (default wfctl)"},
	{"security.protocol", "PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL"},
	{"sasl.mechanism", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (needs a SASL_ security.protocol)"},
	{"sasl.username", "SASL user name"},
	{"sasl.password", "SASL password"},
	{"ssl.ca.location", "PEM file of the CA certificates to trust (default: the system's)"},
	{"ssl.certificate.location", "PEM file of the client certificate, for mutual TLS"},
	{"ssl.key.location", "PEM file of the client certificate's private key (unencrypted)"},
	{"ssl.endpoint.identification.algorithm", "https (default: check the broker's host name) or none"},
	{"enable.ssl.certificate.verification", "true (default) or false: check the broker's certificate at all"},
	{"request.timeout.ms", "how long to wait for a broker's answer (default 10000 on top of the request's own timeout)"},
	{"socket.timeout.ms", "alias of request.timeout.ms"},
	{"socket.connection.setup.timeout.ms", "how long a connection (TCP and TLS) may take (default 3000)"},
	{"session.timeout.ms", "trace --group: how long the group waits for a replica that stopped answering and was not started again before moving its partitions (default 10000; the broker allows 6000 to 1800000 by default)"},
	{"isolation.level", "read_committed (default: skip aborted transactions) or read_uncommitted"},
}

func isSupported(name string) bool {
	for _, p := range Properties {
		if p.Name == name {
			return true
		}
	}
	return false
}

func supportedNames() string {
	names := make([]string, len(Properties))
	for i, p := range Properties {
		names[i] = p.Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// setting is a property's value and where it came from, for messages.
type setting struct {
	value  string
	origin string // "-X", "WFCTL_BROKERS", "client.properties:3", ...
}

// settings holds properties by name; a later set wins, which is how the
// precedence of file < env < -b < -X is applied.
type settings map[string]setting

func (s settings) set(name, value, origin string) error {
	if !isSupported(name) {
		return configErrorf("%s: unknown Kafka property %q; supported: %s", origin, name, supportedNames())
	}
	s[name] = setting{value: value, origin: origin}
	return nil
}

// parseProperties reads a Java/librdkafka-style properties file: one
// key=value (or key: value) per line, blank lines and lines starting with #
// or ! ignored, spaces around key and value trimmed. Java's line
// continuations and escapes are not supported; no Kafka client property
// wfctl understands needs them.
func parseProperties(name string, data []byte, into settings) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || text[0] == '!' {
			continue
		}
		origin := fmt.Sprintf("%s:%d", name, line)
		i := strings.IndexAny(text, "=:")
		if i < 0 {
			return configErrorf("%s: %q is not key=value", origin, text)
		}
		key, value := strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:])
		if key == "" {
			return configErrorf("%s: %q has no key before %q", origin, text, text[i])
		}
		if err := into.set(key, value, origin); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return configErrorf("%s: %v", name, err)
	}
	return nil
}
