package kafka

import "github.com/spf13/pflag"

// DefaultBrokers is where wfctl looks for Kafka when neither -b,
// WFCTL_BROKERS, -X bootstrap.servers nor a --kafka-config file says.
const DefaultBrokers = "localhost:9092"

// BrokersEnv is the environment variable that names the brokers.
const BrokersEnv = "WFCTL_BROKERS"

// Flags holds the Kafka flags every command shares; [BindFlags] declares
// them and [Load] turns them into a [Config].
type Flags struct {
	Brokers    []string // -b/--brokers host:port,... (repeatable)
	Properties []string // -X key=value (repeatable)
	ConfigFile string   // --kafka-config FILE
	Profile    string   // --profile NAME (else WFCTL_PROFILE, else the current profile)
	// NoProfile ignores profiles altogether (a profile being checked).
	NoProfile bool
}

// BindFlags declares -b/--brokers, -X/--kafka-property and --kafka-config
// on fs, stored in f, so that every command spells them the same way.
func BindFlags(fs *pflag.FlagSet, f *Flags) {
	fs.StringSliceVarP(&f.Brokers, "brokers", "b", nil,
		"Kafka brokers, host:port,... (default "+DefaultBrokers+", or $"+BrokersEnv+")")
	fs.StringArrayVarP(&f.Properties, "kafka-property", "X", nil,
		"Kafka client property key=value, as in kcat (repeatable; overrides the other Kafka flags)")
	fs.StringVar(&f.ConfigFile, "kafka-config", "",
		"Kafka client properties file (key=value lines, # comments), as used by Kafka's tools and kcat")
	fs.StringVar(&f.Profile, "profile", "",
		"Kafka settings of this profile (wfctl profile list; default $"+ProfileEnv+", else the current profile)")
}
