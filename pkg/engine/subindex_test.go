package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSubscriptionIndex opens and closes subscriptions at random over a
// few names and keys and checks, after each change, that every (name,
// key) lists exactly its open subscriptions in the order they opened.
func TestSubscriptionIndex(t *testing.T) {
	e := New()
	rng := rand.New(rand.NewPCG(1, 2))
	names, keys := []string{"a", "b", "c"}, []string{"", "k1", "k2"}
	var open []*subscription // in opening order
	for i := range 5000 {
		if len(open) > 0 && rng.IntN(2) == 0 {
			j := rng.IntN(len(open))
			e.unindexSub(open[j])
			open = slices.Delete(open, j, j+1)
		} else {
			s := &subscription{key: int64(i), name: pick(rng, names), corrKey: pick(rng, keys)}
			e.indexSub(s)
			open = append(open, s)
		}
		for _, name := range names {
			for _, key := range keys {
				var want, got []int64
				for _, s := range open {
					if s.name == name && s.corrKey == key {
						want = append(want, s.key)
					}
				}
				for s := e.firstSub(name, key); s != nil; s = s.next {
					got = append(got, s.key)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("step %d: %s/%q lists %v, want %v", i, name, key, got, want)
				}
			}
		}
		if n := len(e.subsByKey); n > len(keys) {
			t.Fatalf("step %d: %d keys indexed", i, n)
		}
	}
	for _, s := range open {
		e.unindexSub(s)
	}
	if len(e.subsByKey) != 0 {
		t.Fatalf("%d keys left in the index", len(e.subsByKey))
	}
}
