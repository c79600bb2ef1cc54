package kafka

import (
	"reflect"
	"testing"
)

var envelopeSeeds = []string{
	`{"topic":"orders","partition":0,"offset":42,"tstype":"create","ts":1700000000000,"broker":1,"headers":["k1","v1","k2",null],"key":"o-1","payload":"{\"total\":12}"}`,
	`{"topic":"orders","partition":3,"offset":1,"ts":1,"key":null,"payload":null}`,
	`{"topic":"orders","payload":{"inline":true}}`,
	`{"topic":"orders","headers":{"a":"b","a":"c"}}`,
	`{"topic":"orders","partition":1.5}`,
	`{"topic":"orders","partition":4294967296}`,
	`{"topic":"orders","Partition":7}`,
	`{"topic":"orders","partition":1,"partition":2}`,
	`{"topic":"","payload":"x"}`,
	`{"topic":null}`,
	`{"topic":"t","payload":"caf\u00e9 \ud83d\ude00 \ud800"}`,
	"{\"topic\":\"t\",\"payload\":\"\xff\"}",
	`{"topic":"t","headers":["k"]}`,
	`{"topic":"t","headers":[1,"v"]}`,
	`{"topic":"t","tstype":null,"broker":null}`,
	`{"topic":"t","offset":-0,"ts":-1}`,
	`[1,2]`,
	`{"topic":"t"`,
}

// TestEnvelopeFastAgrees: the fast path gives exactly what encoding/json
// gives, or leaves the line to it.
func TestEnvelopeFastAgrees(t *testing.T) {
	for _, line := range envelopeSeeds {
		checkFastAgrees(t, []byte(line))
	}
}

func checkFastAgrees(t *testing.T, line []byte) {
	fast, ok := parseEnvelopeFast(line)
	if !ok {
		return
	}
	slow, err := parseEnvelopeSlow(line)
	if err != nil {
		t.Fatalf("%s: the fast path accepts what encoding/json rejects (%v)", line, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s:\nfast %+v\nslow %+v", line, fast, slow)
	}
}

func FuzzEnvelopeFast(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkFastAgrees(t, line) })
}
