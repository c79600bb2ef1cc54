// Package correlate turns Kafka records into the messages a BPMN model
// waits for, the way Zeebe's Kafka connectors do, for `wfctl trace` and
// `wfctl dev` alike:
//
//   - the message name from the CloudEvents ce_type header, else the JSON
//     field "type" (or a [Source] the user names);
//   - the correlation key from the model's own zeebe:subscription
//     correlationKey expression, evaluated on the record's JSON (or a
//     [Source]; then start messages carry the key in the variables the
//     model's expressions read, so its subscriptions open on that key);
//   - the event time from the record's timestamp, or from a JSON field of
//     the payload (producers that do not set record timestamps);
//   - the variables: only what the model reads, decoded once.
//
// A [Mapper] is built once per set of models and is safe for concurrent
// use. It also says whether instances can be sharded by correlation key
// ([Mapper.Routing]): only when every message correlates by the same key.
package correlate
