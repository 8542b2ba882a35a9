package memfile

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFlatIndex runs random puts and deletes, with hashes crowded into few
// home slots so that probe runs wrap and deletions shift entries, and
// checks every lookup against a plain map.
func TestFlatIndex(t *testing.T) {
	tests := []struct {
		name   string
		hashes uint64 // distinct hashes used
		ops    int
		every  int // ops between full checks
	}{
		{"few hashes, long runs", 7, 3000, 13},
		{"many hashes", 1 << 40, 20000, 1999},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var f flatIndex
			want := map[uint64][]addrKey{}
			for op := range tc.ops {
				h := (r.Uint64N(tc.hashes)*0x9e3779b97f4a7c15)>>shardBits | 1
				list := want[h]
				if len(list) > 0 && r.IntN(3) == 0 {
					a := list[r.IntN(len(list))]
					f.delete(h, a)
					want[h] = slices.DeleteFunc(list, func(x addrKey) bool { return x == a })
				} else {
					a := addrKey{lo: uint64(op)}
					f.put(h, a)
					want[h] = append(list, a)
				}
				if op%tc.every == 0 {
					for h, list := range want {
						got := f.get(nil, h)
						slices.SortFunc(got, cmpAddr)
						w := slices.SortedFunc(slices.Values(list), cmpAddr)
						if diff := cmp.Diff(w, got, cmp.AllowUnexported(addrKey{}), cmpEmpty); diff != "" {
							t.Fatalf("op %d hash %x (-want +got):\n%s", op, h, diff)
						}
					}
				}
			}
			n := 0
			for _, list := range want {
				n += len(list)
			}
			if f.n != n {
				t.Errorf("count %d, want %d", f.n, n)
			}
			f.delete(12345, addrKey{lo: 1}) // absent: no change
			if f.n != n {
				t.Errorf("count after deleting an absent pair %d, want %d", f.n, n)
			}
		})
	}
}

var cmpEmpty = cmp.Comparer(func(x, y []addrKey) bool { return slices.Equal(x, y) })
