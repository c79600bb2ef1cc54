// Package kafka is wfctl's one way to Kafka: client configuration from
// flags, environment and properties, clear errors when Kafka cannot be
// reached, history reading for replays, and kcat's JSON envelope for
// offline files. franz-go (kgo, kadm) does the protocol; nothing here
// writes Kafka protocol by hand.
//
// # Configuration
//
// Every command binds the same flags with [BindFlags] (-b/--brokers,
// -X/--kafka-property key=value, --kafka-config FILE) and resolves them with
// [Load], which applies, in increasing precedence: the properties file,
// $WFCTL_BROKERS, -b, then each -X in order. Properties carry the names of
// the Kafka Java client and librdkafka, so a team's existing client.properties
// or kcat -X habits work; [Properties] lists them. An unknown property is an
// error that names it and lists the supported ones: a misspelt
// ssl.ca.locaton silently ignored would cost an afternoon.
//
// [Config.Opts] is the one place kgo options are built (seeds, client id,
// TLS, SASL PLAIN/SCRAM, timeouts, isolation level); [NewClient] builds a
// client and checks at once that a broker answers, dialling each seed a
// single time with a short dial timeout (3s by default) so that a wrong
// address fails in milliseconds to seconds instead of after franz-go's
// retries.
//
// # Errors
//
// Two types, which the CLI maps to exit codes: [*ConfigError] for what the
// user asked for (usage, exit 2) and [*InfraError] for Kafka failing
// (exit 3), whose Kind is [ErrUnreachable], [ErrAuth], [ErrTLS] or
// [ErrTopicNotFound]. Messages name the brokers and the setting to check:
//
//	cannot reach broker localhost:9 (connection refused): check -b/--brokers, WFCTL_BROKERS or the profile (wfctl profile list)
//	topic orders does not exist on localhost:9092
//
// # History
//
// [ReadHistory] and [ReadPartitions] replay what topics held at one moment:
// [Plan] lists end offsets first, every partition is assigned directly (no
// consumer group, nothing committed), records come read_committed, and a
// partition is done when its position reaches its end offset even when the
// last offsets are transaction markers, which are never delivered. --from
// and --to follow kcat's conventions ([ParsePosition]); times are resolved
// to offsets by the broker (ListOffsets by timestamp). Follow mode goes on
// reading after the snapshot.
//
// Known limit: a partition whose range ends in offsets that no longer hold
// any record at all (compaction or retention removing whole batches at the
// very end, after the snapshot was taken) is reported done only when a
// later record arrives; ctx bounds such a read.
//
// # Files
//
// [EnvelopeReader] and [EnvelopeWriter] read and write kcat's -J envelope,
// one JSON object a line; a malformed line is a [*LineError] the caller may
// count and skip.
package kafka
