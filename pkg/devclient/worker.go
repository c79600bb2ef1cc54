package devclient

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/devproto"
	"github.com/wfctl/wfctl/pkg/engine"
	"github.com/wfctl/wfctl/pkg/kafka"
)

// WorkerOptions configure Worker.
type WorkerOptions struct {
	// Type is the job type worked; Name the worker's name in the engine's
	// records.
	Type, Name string
	// Concurrency bounds the handlers running at once; MaxJobsActive the
	// jobs held (activated, not yet reported) at once, at least
	// Concurrency.
	Concurrency, MaxJobsActive int
	// Timeout is how long a job is held before the engine hands it to
	// another worker.
	Timeout time.Duration
}

// Handler works a job: the variables to complete it with, or an error
// whose text fails it (one retry fewer).
type Handler func(ctx context.Context, job devproto.Job) (map[string]any, error)

// WorkerEvents tell what a worker did, for its log; each may be nil.
type WorkerEvents struct {
	// Completed and Failed: the engine took the handler's outcome.
	Completed func(job devproto.Job)
	Failed    func(job devproto.Job, retries int, reason string)
	// Refused: the engine refused the outcome (the job was done
	// elsewhere meanwhile, or its instance cancelled).
	Refused func(job devproto.Job, failed bool, reason string)
	// Yielded: a job no handler started, handed back on stop (err when it
	// could not be).
	Yielded func(job devproto.Job, err error)
}

// Worker works jobs as zbctl's workers do, until ctx ends: it activates
// jobs of a type (when it starts, whenever the engine announces one on
// wfctl.jobs, and as the jobs it holds fall below three quarters of
// MaxJobsActive), runs handle for each, at most Concurrency at once, and
// reports each outcome while the next handler runs. A handler runs only
// for a job the engine acknowledged activating for this worker: never for
// one completed, cancelled or in back-off. When ctx ends it stops taking
// jobs, hands back those no handler started, lets running handlers finish
// and reports their outcomes, and returns nil (or what failed).
func (c *Client) Worker(ctx context.Context, o WorkerOptions, handle Handler, ev WorkerEvents) error {
	wake, err := c.watchJobs(ctx, o.Type)
	if err != nil {
		return err
	}
	// Handlers and their outcomes outlive ctx: a running handler
	// finishes and its outcome reaches the engine.
	workCtx := context.WithoutCancel(ctx)
	queue := make(chan devproto.Job, o.MaxJobsActive)
	done := make(chan struct{}, o.MaxJobsActive)
	var wg syncGroup
	for range o.Concurrency {
		wg.Go(func() {
			for job := range queue {
				if ctx.Err() != nil {
					wg.Go(func() { // stopping: not started, handed back
						err := c.YieldJob(workCtx, job.Key)
						if ev.Yielded != nil {
							ev.Yielded(job, err)
						}
						done <- struct{}{}
					})
					continue
				}
				vars, herr := handle(workCtx, job)
				wg.Go(func() {
					wg.fail(c.report(workCtx, job, vars, herr, ev))
					done <- struct{}{}
				})
			}
		})
	}
	held, again := 0, true
	for ctx.Err() == nil {
		for drained := false; !drained; {
			select {
			case <-done:
				held--
			default:
				drained = true
			}
		}
		// Once the jobs held fell below the threshold, not for every job
		// done: an activation per job would cost a round trip each.
		if want := o.MaxJobsActive - held; again && want > 0 && (held == 0 || want >= max(1, o.MaxJobsActive/4)) {
			jobs, err := c.ActivateJobs(ctx, engine.JobRequest{Type: o.Type, Worker: o.Name, Timeout: o.Timeout, MaxJobs: min(want, 128)})
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				close(queue)
				wg.Wait()
				return err
			}
			held += len(jobs)
			for _, j := range jobs {
				queue <- JobOf(j)
			}
			again = len(jobs) == want // a full activation may have left jobs behind
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
			again = true
		case <-done:
			held--
			again = true
		}
	}
	close(queue)
	wg.Wait()
	return wg.err
}

// report sends a handler's outcome.
func (c *Client) report(ctx context.Context, job devproto.Job, vars map[string]any, herr error, ev WorkerEvents) error {
	var err error
	retries := max(job.Retries-1, 0)
	if herr != nil {
		err = c.FailJob(ctx, job.Key, retries, 0, herr.Error())
	} else {
		err = c.CompleteJob(ctx, job.Key, vars)
	}
	var rej *RejectedError
	switch {
	case errors.As(err, &rej):
		if ev.Refused != nil {
			ev.Refused(job, herr != nil, rej.Reason)
		}
	case err != nil:
		return err
	case herr != nil:
		if ev.Failed != nil {
			ev.Failed(job, retries, herr.Error())
		}
	default:
		if ev.Completed != nil {
			ev.Completed(job)
		}
	}
	return nil
}

// watchJobs follows wfctl.jobs from its end and signals when the engine
// announces a job of the type: the moment to activate.
func (c *Client) watchJobs(ctx context.Context, typ string) (<-chan struct{}, error) {
	cl, err := kafka.NewClient(ctx, c.cfg,
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{devproto.TopicJobs: {0: kgo.NewOffset().AtEnd()}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return nil, err
	}
	wake := make(chan struct{}, 1)
	go func() {
		defer cl.Close()
		for {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				return
			}
			mine := false
			fs.EachRecord(func(r *kgo.Record) { mine = mine || string(r.Key) == typ })
			if mine {
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}
	}()
	return wake, nil
}

// JobOf is an activated job as wfctl.jobs carries it.
func JobOf(j engine.ActivatedJob) devproto.Job {
	return devproto.Job{Key: j.Key, Type: j.Type, ProcessInstanceKey: j.ProcessInstanceKey, BPMNProcessID: j.BPMNProcessID,
		ElementID: j.ElementID, Retries: int(j.Retries), Deadline: j.Deadline, CustomHeaders: j.CustomHeaders, Variables: j.Variables}
}

// syncGroup is a WaitGroup that keeps the errors of its goroutines.
type syncGroup struct {
	sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (g *syncGroup) fail(err error) {
	if err == nil {
		return
	}
	g.mu.Lock()
	g.err = errors.Join(g.err, err)
	g.mu.Unlock()
}
