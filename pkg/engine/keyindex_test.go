package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKeyIndex opens and closes subscriptions and marks and unmarks
// message-started instances at random over a few names, keys and
// process ids, and checks after each change that every (name, key)
// lists exactly its open subscriptions in the order they opened, that
// the started instances are those marked, and that the map holds no
// empty entry.
func TestKeyIndex(t *testing.T) {
	e := New()
	rng := rand.New(rand.NewPCG(1, 2))
	names, keys, ids := []string{"a", "b", "c"}, []string{"", "k1", "k2"}, []string{"p", "q"}
	var open []*subscription // in opening order
	started := map[startKey]bool{}
	for i := range 5000 {
		switch n := rng.IntN(6); {
		case n < 2 && len(open) > 0:
			j := rng.IntN(len(open))
			e.unindexSub(open[j])
			open = slices.Delete(open, j, j+1)
		case n < 4:
			s := &subscription{key: int64(i), name: pick(rng, names), corrKey: pick(rng, keys)}
			e.indexSub(s)
			open = append(open, s)
		default:
			sk := startKey{pick(rng, ids), pick(rng, keys[1:])}
			if started[sk] {
				e.unmarkStarted(sk.processID, sk.corrKey)
			} else {
				e.markStarted(sk.processID, sk.corrKey)
			}
			started[sk] = !started[sk]
		}
		if i%7 == 0 { // otherwise the entry last used may be held out of the map
			e.flushKey()
			checkKeyMap(t, e, open)
		}
		for _, key := range keys {
			for _, name := range names {
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
			for _, id := range ids {
				if got, want := e.startedWith(id, key), started[startKey{id, key}]; got != want {
					t.Fatalf("step %d: started %s/%q: %v, want %v", i, id, key, got, want)
				}
			}
		}
	}
	for _, s := range open {
		e.unindexSub(s)
	}
	for sk, on := range started {
		if on {
			e.unmarkStarted(sk.processID, sk.corrKey)
		}
	}
	e.flushKey()
	if len(e.byKey) != 0 || len(e.startedMore) != 0 {
		t.Fatalf("left in the index: %v, %v", e.byKey, e.startedMore)
	}
}

// checkKeyMap checks that the key map holds an entry for every key with
// an open subscription and no empty entry.
func checkKeyMap(t *testing.T, e *Engine, open []*subscription) {
	t.Helper()
	for key, k := range e.byKey {
		if k.empty() {
			t.Fatalf("empty entry for %q", key)
		}
	}
	for _, s := range open {
		if _, ok := e.byKey[s.corrKey]; !ok {
			t.Fatalf("no entry for %q", s.corrKey)
		}
	}
}
