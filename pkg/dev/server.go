package dev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/wfctl/wfctl/pkg/broker"
	"github.com/wfctl/wfctl/pkg/engine"
)

// Server is a running `wfctl dev`: the broker with the engine attached.
// Close it when done.
type Server struct {
	broker *broker.Broker
	runMu  sync.Mutex
	run    *runner // the current one: an input set aside starts another
	cancel context.CancelFunc
	done   chan struct{}
	err    error // the loop's error, set before done is closed

	closeOnce sync.Once
	closeErr  error
}

// Start starts the broker, creates the protocol's topics, rebuilds the
// engine's state from wfctl.records (see the package documentation),
// deploys the models folder, and starts consuming. It returns when the
// server is ready: the broker accepts connections and every command
// produced from now on will be processed. ctx bounds the start only; the
// server runs until [Server.Close], or until it fails (see
// [Server.Done]).
//
// A taken port wraps [broker.ErrAddrInUse], a data folder in use by
// another server [broker.ErrDataDirLocked]; an [*OptionError] or a
// [*broker.OptionError] is a usage error; any other error is an
// infrastructure error.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := opts.withDefaults(); err != nil {
		return nil, err
	}
	bopts := []broker.Option{broker.WithListenAddr(opts.Listen), broker.WithMaxMessageBytes(opts.Limits.Command)}
	if opts.Advertise != "" {
		bopts = append(bopts, broker.WithAdvertisedAddr(opts.Advertise))
	}
	for _, u := range opts.Users {
		for _, mech := range []string{"SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"} {
			bopts = append(bopts, broker.WithSASLUser(mech, u.Name, u.Password))
		}
	}
	if opts.TLS != nil {
		bopts = append(bopts, broker.WithTLS(opts.TLS))
	}
	if opts.DataDir != "" {
		if err := privateDir(opts.DataDir); err != nil {
			return nil, err
		}
	}
	plog := newPersistLog()
	if opts.DataDir != "" {
		bopts = append(bopts, broker.WithDataDir(opts.DataDir), broker.WithLogger(slog.New(plog)))
	}
	b, err := broker.Start(ctx, bopts...)
	if err != nil {
		return nil, err
	}
	r, err := startRunner(ctx, b, opts, nil)
	if err != nil {
		return nil, errors.Join(withDataDirCause(opts.DataDir, plog, err), b.Close())
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	s := &Server{broker: b, run: r, cancel: cancel, done: make(chan struct{})}
	go func() {
		err := s.serve(loopCtx, opts)
		if err == nil {
			err = plog.failure(opts.DataDir)
		}
		s.err = withDataDirCause(opts.DataDir, plog, err)
		close(s.done)
	}()
	// A write of the data folder the broker failed stops the server,
	// also when it was a client's write and the engine has nothing left
	// to write (a Kafka broker whose only log folder fails shuts down
	// too): the broker's state in memory is now ahead of its folder.
	go func() {
		select {
		case <-plog.failed:
			cancel()
		case <-s.done:
		}
	}()
	return s, nil
}

// serve runs the engine until ctx ends or it fails. When an input is set
// aside (the engine failed on it, or it made the engine write more than
// the limits allow), the engine's state in memory is past what was
// committed: a new runner rebuilds it from wfctl.records, as a restart
// would, and goes on without the input, which it answers with a
// rejection.
func (s *Server) serve(ctx context.Context, opts Options) error {
	r := s.current()
	for {
		err := r.loop(ctx)
		var p *poisonError
		if !errors.As(err, &p) || ctx.Err() != nil {
			return err
		}
		r.notify(Notice{Kind: InputSetAside, Input: p.input, Message: p.reason})
		// The transaction in flight holds inputs before the one set
		// aside: it commits, or the failure stops the server.
		if err := r.awaitCommit(); err != nil {
			return err
		}
		r.close()
		next, err := startRunner(ctx, s.broker, opts, r)
		if err != nil {
			return fmt.Errorf("restarting the engine after setting %s aside: %w", p.input, err)
		}
		s.runMu.Lock()
		s.run = next
		s.runMu.Unlock()
		r = next
	}
}

func (s *Server) current() *runner {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.run
}

// Addr is the broker's address, as clients should dial it.
func (s *Server) Addr() string { return s.broker.Addr() }

// ListenAddr is the address the broker's socket is bound to.
func (s *Server) ListenAddr() string { return s.broker.ListenAddr() }

// DataDir is the data folder, or "" when the state is kept in memory.
func (s *Server) DataDir() string { return s.broker.DataDir() }

// DomainTopics lists the domain topics consumed now, sorted.
func (s *Server) DomainTopics() []string { return s.current().topicList() }

// Processes describes the latest version of every deployed process,
// sorted by process id: what a tool can suggest to start or work.
func (s *Server) Processes() []DeployedProcess { return s.current().models.processes.list() }

// Recovered describes the state the server started from.
func (s *Server) Recovered() Recovery { return s.current().recovery }

// Done is closed when the server stops: after Close, or when it fails
// (a transaction that cannot be written, a write of the data folder the
// broker failed); [Server.Close] then returns
// the error. The state is safe either way: start the server again on the
// same data folder.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops consuming, finishes (commits) the transaction in progress,
// and stops the broker, which releases the data folder. It returns the
// error that stopped the server, if it failed. Close is safe to call more
// than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.done
		s.current().close()
		s.closeErr = errors.Join(s.err, s.broker.Close())
	})
	return s.closeErr
}

// Inspect runs fn on the engine, between two transactions, and waits for
// it: for tools and tests that read the engine's state (its queries).
// fn must not keep e or call its commands.
func (s *Server) Inspect(ctx context.Context, fn func(e *engine.Engine)) error {
	q := inspection{fn: fn, done: make(chan struct{})}
	select {
	case s.run.inspect <- q:
	case <-s.done:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-q.done:
		return nil
	case <-s.done:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errStopped = errors.New("dev server stopped")

type inspection struct {
	fn   func(*engine.Engine)
	done chan struct{}
}

// Stats returns counts as of the last committed transaction.
func (s *Server) Stats() Stats { return s.run.stats.get() }

// Await waits until cond holds for the stats of a committed transaction
// (checked now, then after each commit), ctx ends, or the server stops.
func (s *Server) Await(ctx context.Context, cond func(Stats) bool) error {
	for {
		st, changed := s.run.stats.watch()
		if cond(st) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			if s.err != nil {
				return fmt.Errorf("%w: %w", errStopped, s.err)
			}
			return errStopped
		}
	}
}
