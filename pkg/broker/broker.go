package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Broker is a running in-process broker. Close it when done.
type Broker struct {
	cluster    *kfake.Cluster
	addr       string
	listenAddr string
	dataDir    string
	lock       *dirLock
	closeOnce  sync.Once
	closeErr   error
}

// Start starts a broker and returns once it accepts connections: its
// listener is bound and its request loop running, so a client may dial
// [Broker.Addr] at once. ctx bounds the start only; the broker runs until
// [Broker.Close].
func Start(ctx context.Context, opts ...Option) (*Broker, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &Broker{dataDir: cfg.dataDir}
	if cfg.dataDir != "" {
		lock, err := lockDataDir(cfg.dataDir)
		if err != nil {
			return nil, err
		}
		b.lock = lock
	}
	if err := b.start(&cfg); err != nil {
		return nil, errors.Join(err, b.lock.release())
	}
	return b, nil
}

func (b *Broker) start(cfg *config) error {
	ln, adv, err := listen(cfg.listenAddr, cfg.advertisedAddr)
	if err != nil {
		return err
	}
	b.addr, b.listenAddr = adv, ln.(*advertisedListener).Listener.Addr().String()
	cluster, err := kfake.NewCluster(kfakeOpts(cfg, handOver(ln))...)
	if err != nil {
		ln.Close()
		if cfg.dataDir != "" {
			return fmt.Errorf("starting broker on data folder %s: %w", cfg.dataDir, err)
		}
		return fmt.Errorf("starting broker: %w", err)
	}
	b.cluster = cluster
	for _, topic := range cfg.topics {
		err := cluster.CreateTopic(topic, int32(cfg.partitions), nil)
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			cluster.Close()
			return fmt.Errorf("creating topic %s: %w", topic, err)
		}
	}
	return nil
}

// kfakeOpts is the one place our defaults become kfake options; kfake's own
// defaults (three brokers, ten partitions) are overridden explicitly.
func kfakeOpts(cfg *config, listenFn func(string, string) (net.Listener, error)) []kfake.Opt {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(listenFn),
		kfake.DefaultNumPartitions(cfg.partitions),
		kfake.ClusterID("wfctl-dev"),
	}
	if cfg.autoCreate {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	if cfg.maxMessage > 0 {
		opts = append(opts, kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(cfg.maxMessage)}))
	}
	if cfg.dataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.dataDir), kfake.SyncWrites())
	}
	if len(cfg.saslUsers) > 0 {
		opts = append(opts, kfake.EnableSASL())
		for _, u := range cfg.saslUsers {
			opts = append(opts, kfake.Superuser(u.mechanism, u.user, u.password))
		}
	}
	if cfg.tls != nil {
		opts = append(opts, kfake.TLS(cfg.tls))
	}
	if cfg.logger != nil {
		opts = append(opts, kfake.WithLogger(slogAdapter{cfg.logger}))
	}
	return opts
}

// handOver gives kfake the listener we bound ourselves (so that a taken port
// is our clear error, and the advertised address is ours to choose) instead
// of letting it listen on 127.0.0.1.
func handOver(ln net.Listener) func(string, string) (net.Listener, error) {
	var once sync.Once
	return func(string, string) (net.Listener, error) {
		handed := false
		once.Do(func() { handed = true })
		if !handed {
			return nil, errors.New("kfake asked for a second listener; the dev broker runs one")
		}
		return ln, nil
	}
}

// Addr is the host:port clients should dial (the advertised address).
func (b *Broker) Addr() string { return b.addr }

// ListenAddr is the address the broker's socket is bound to.
func (b *Broker) ListenAddr() string { return b.listenAddr }

// DataDir is the data folder, or "" for an in-memory broker.
func (b *Broker) DataDir() string { return b.dataDir }

// Cluster is the underlying kfake cluster, for tests that need kfake's
// controls (fault injection, creating topics directly).
func (b *Broker) Cluster() *kfake.Cluster { return b.cluster }

// Close stops the broker: it stops accepting connections, closes open ones,
// writes its state to the data folder (when it has one) and releases the
// folder's lock. Close is safe to call more than once.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		b.cluster.Close()
		b.closeErr = b.lock.release()
	})
	return b.closeErr
}

// slogAdapter passes kfake's warnings and errors to a slog.Logger; kfake's
// info and debug lines describe every request and are too chatty for a user.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Logf(level kfake.LogLevel, format string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		a.l.Error(fmt.Sprintf(format, args...), "source", "kfake")
	case kfake.LogLevelWarn:
		a.l.Warn(fmt.Sprintf(format, args...), "source", "kfake")
	}
}
