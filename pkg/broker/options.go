package broker

import (
	"crypto/tls"
	"fmt"
	"log/slog"
)

// DefaultListenAddr is where [Start] listens without [WithListenAddr]: the
// address wfctl's Kafka commands dial by default.
const DefaultListenAddr = "127.0.0.1:9092"

// DefaultPartitions is how many partitions a created topic gets when
// neither [WithPartitions] nor the CreateTopics request says.
const DefaultPartitions = 1

// Option configures [Start].
type Option func(*config)

type saslUser struct{ mechanism, user, password string }

type config struct {
	listenAddr     string
	advertisedAddr string
	dataDir        string
	partitions     int
	topics         []string
	autoCreate     bool
	saslUsers      []saslUser
	tls            *tls.Config
	logger         *slog.Logger
	maxMessage     int
}

func defaultConfig() config {
	return config{listenAddr: DefaultListenAddr, partitions: DefaultPartitions}
}

// WithListenAddr sets the host:port to listen on, overriding
// [DefaultListenAddr]. Port 0 picks any free port. A host of "" or 0.0.0.0
// listens on every interface; the broker then advertises 127.0.0.1 unless
// [WithAdvertisedAddr] says otherwise.
func WithListenAddr(addr string) Option {
	return func(c *config) { c.listenAddr = addr }
}

// WithAdvertisedAddr sets the host:port the broker tells clients to connect
// to in its metadata, overriding the listen address. Kafka clients dial the
// advertised address for everything after bootstrap, so it must be reachable
// from them (for example the host name of a container). A port of 0 means
// the port actually listened on.
func WithAdvertisedAddr(addr string) Option {
	return func(c *config) { c.advertisedAddr = addr }
}

// WithDataDir persists the cluster's state in dir with synced writes and
// locks dir while the broker runs. Without it everything is kept in memory
// and lost on Close. See the package documentation.
func WithDataDir(dir string) Option {
	return func(c *config) { c.dataDir = dir }
}

// WithPartitions sets how many partitions topics get when created without
// a partition count (seeded, auto-created, or CreateTopics with -1),
// overriding [DefaultPartitions].
func WithPartitions(n int) Option {
	return func(c *config) { c.partitions = n }
}

// WithTopics creates the topics at start (with the [WithPartitions] count)
// unless they exist already, as they do when a data folder is reused.
func WithTopics(topics ...string) Option {
	return func(c *config) { c.topics = append(c.topics, topics...) }
}

// WithAutoCreateTopics lets a client's metadata request create a missing
// topic, as Kafka's auto.create.topics.enable does. Off by default, so a
// misspelt topic is an error rather than a new, empty topic.
func WithAutoCreateTopics() Option {
	return func(c *config) { c.autoCreate = true }
}

// WithSASLUser requires SASL authentication and adds a user allowed to
// connect. mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Users are
// superusers: the broker checks passwords, not ACLs.
func WithSASLUser(mechanism, user, password string) Option {
	return func(c *config) { c.saslUsers = append(c.saslUsers, saslUser{mechanism, user, password}) }
}

// WithTLS serves TLS with the given server configuration (which must hold a
// certificate).
func WithTLS(cfg *tls.Config) Option {
	return func(c *config) { c.tls = cfg }
}

// WithMaxMessageBytes sets the broker's message.max.bytes: the largest
// record batch a producer may send to a topic without its own
// max.message.bytes (kfake's default is Kafka's, 1 MiB).
func WithMaxMessageBytes(n int) Option {
	return func(c *config) { c.maxMessage = n }
}

// WithLogger sends the broker's own log lines (warnings and errors) to
// logger. Without it the broker logs nothing.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// OptionError is an invalid option: a usage error, not an infrastructure
// one.
type OptionError struct {
	Option string // the option's name, e.g. "listen address"
	Err    error
}

func (e *OptionError) Error() string { return fmt.Sprintf("broker %s: %v", e.Option, e.Err) }
func (e *OptionError) Unwrap() error { return e.Err }

func (c *config) validate() error {
	if c.partitions < 1 {
		return &OptionError{"partitions", fmt.Errorf("%d: need at least 1", c.partitions)}
	}
	for _, u := range c.saslUsers {
		switch u.mechanism {
		case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
		default:
			return &OptionError{"SASL mechanism", fmt.Errorf("%q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", u.mechanism)}
		}
	}
	if c.tls != nil && len(c.tls.Certificates) == 0 && c.tls.GetCertificate == nil {
		return &OptionError{"TLS", fmt.Errorf("the server configuration has no certificate")}
	}
	return nil
}
