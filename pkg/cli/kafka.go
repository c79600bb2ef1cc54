package cli

import (
	"context"
	"errors"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wfctl/wfctl/pkg/kafka"
)

// kafkaFlagNames are the flags kafka.BindFlags declares: a command that
// reads a file instead refuses them.
var kafkaFlagNames = []string{"brokers", "kafka-property", "kafka-config", "profile"}

// kafkaClient resolves the Kafka flags and connects; every command that
// talks to Kafka goes through here.
func kafkaClient(ctx context.Context, f *Factory, flags kafka.Flags, extra ...kgo.Opt) (*kafka.Config, *kgo.Client, error) {
	cfg, err := kafka.Load(flags, f.Getenv)
	if err != nil {
		return nil, nil, kafkaError(err)
	}
	cl, err := kafka.NewClient(ctx, cfg, extra...)
	if err != nil {
		return nil, nil, kafkaError(err)
	}
	return cfg, cl, nil
}

// kafkaError maps pkg/kafka's typed errors to exit codes: a mistake in
// flags or properties is a usage error, anything about the broker itself
// an infrastructure error.
func kafkaError(err error) error {
	var ce *kafka.ConfigError
	var ie *kafka.InfraError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return &UsageError{Err: err}
	case errors.As(err, &ie):
		return &InfraError{Err: err}
	case errors.Is(err, context.Canceled):
		return &InfraError{Err: errors.New("interrupted")}
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return err
	}
	return &InfraError{Err: err}
}
