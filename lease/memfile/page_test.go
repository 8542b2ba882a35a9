package memfile

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
	"github.com/nestordhcp/nestor/lease/lfc"
)

// TestPage4 reads every lease page by page, with page sizes around the
// per-shard quota of pageKeys, and compares with the full address order.
func TestPage4(t *testing.T) {
	s := open4(t, Config{Persist: false})
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		l := lease4(1)
		l.Addr = netip.AddrFrom4([4]byte{198, 18 + byte(r.IntN(2)), byte(r.IntN(256)), byte(r.IntN(256))})
		s.AddLease4(l) // duplicates fail, which is fine
	}
	// and one dense shard, so that pages take several rounds
	for i := 0; i < 1<<16; i++ {
		a := netip.AddrFrom4([4]byte{198, 19, byte(i >> 8), byte(i)})
		if keyOf(a).shard() == 5 {
			l := lease4(1)
			l.Addr = a
			s.AddLease4(l)
		}
	}
	all, _ := s.AllLeases4()
	want := addrs4(all)
	for _, limit := range []int{1, 7, 64, 200, 1024, 10000} {
		var got []string
		after := netip.AddrFrom4([4]byte{})
		for range len(want) + 1 {
			page, err := s.Leases4Page(after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(page))
			}
			got = append(got, addrs4(page)...)
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Addr
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: pages gave %d leases (want %d) or a different order", limit, len(got), len(want))
		}
	}
	// VisitRange4 sees the leases of a range, and only them.
	first, last := netip.MustParseAddr("198.18.10.0"), netip.MustParseAddr("198.18.99.255")
	var inRange []string
	for _, l := range all {
		if l.Addr.Compare(first) >= 0 && l.Addr.Compare(last) <= 0 {
			inRange = append(inRange, l.Addr.String())
		}
	}
	var seen []string
	s.VisitRange4(first, last, func(l *lease.Lease4) { seen = append(seen, l.Addr.String()) })
	slices.SortFunc(seen, func(a, b string) int { return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b)) })
	if !slices.Equal(seen, inRange) || len(seen) == 0 {
		t.Errorf("VisitRange4 saw %d leases, want %d", len(seen), len(inRange))
	}
	n := 0
	s.VisitRange4(netip.AddrFrom4([4]byte{}), netip.AddrFrom4([4]byte{255, 255, 255, 255}), func(*lease.Lease4) { n++ })
	if n != len(all) {
		t.Errorf("VisitRange4 over everything saw %d leases, want %d", n, len(all))
	}
}

// TestConversionFromMemory: the cleanup that converts a Kea 2.2 file at
// start writes what the server loaded instead of loading it again; its
// result must be what kea-lfc's way (load NAME.2 and NAME.1) writes.
func TestConversionFromMemory(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "kea-leases4.csv")
	ref := filepath.Join(dir, "ref.csv")
	// an 11-column (Kea 2.2) previous cleanup result and live file, with
	// superseded rows and deletions
	prev := csv.Schema4.Header(11) + "\n"
	live := csv.Schema4.Header(11) + "\n"
	for i := 1; i <= 300; i++ {
		l := lease4(i)
		row, _ := csv.AppendLease4(nil, l)
		prev += cut11(row)
		if i%3 == 0 {
			l.CLTT += 100
			l.Hostname = ""
			row, _ = csv.AppendLease4(nil, l)
			live += cut11(row)
		}
		if i%7 == 0 {
			l.ValidLifetime = 0
			row, _ = csv.AppendLease4(nil, l)
			live += cut11(row)
		}
	}
	for _, p := range []string{name, ref} {
		os.WriteFile(p+".2", []byte(prev), 0o644)
		os.WriteFile(p, []byte(live), 0o644)
	}
	// the reference: kea-lfc's way on a rotated copy
	os.Rename(ref, ref+".1")
	if err := lfc.Run(4, lfc.FilesFor(ref), nil); err != nil {
		t.Fatal(err)
	}
	s := open4(t, Config{Persist: true, Name: name})
	if s.Len() != 300-300/7 {
		t.Errorf("loaded %d leases", s.Len())
	}
	s.Close() // waits for the conversion
	compareConverted(t, name, ref)

	// With sanity checks that drop leases at load, memory no longer holds
	// what the files do: the cleanup reads the files, as kea-lfc would.
	for _, p := range []string{name, ref} {
		for _, suffix := range []string{"", ".1", ".2"} {
			os.Remove(p + suffix)
		}
		os.WriteFile(p+".2", []byte(prev), 0o644)
		os.WriteFile(p, []byte(live), 0o644)
	}
	os.Rename(ref, ref+".1")
	if err := lfc.Run(4, lfc.FilesFor(ref), nil); err != nil {
		t.Fatal(err)
	}
	s = open4(t, Config{Persist: true, Name: name, LeaseChecks: "del",
		SubnetCheck: func(a netip.Addr, id uint32) (bool, uint32) { return id == 1, 0 }})
	if s.Len() >= 300-300/7 {
		t.Errorf("the checks dropped nothing: %d leases", s.Len())
	}
	s.Close()
	compareConverted(t, name, ref)
}

func compareConverted(t *testing.T, name, ref string) {
	t.Helper()
	got, want := read(t, name+".2"), read(t, ref+".2")
	if !slices.Equal(got, want) {
		t.Errorf("converted NAME.2 differs from kea-lfc's result: %d vs %d lines", len(got), len(want))
	}
	for _, suffix := range []string{".1", ".output", ".completed", ".pid"} {
		if _, err := os.Stat(name + suffix); err == nil {
			t.Errorf("%s left behind", suffix)
		}
	}
}

// cut11 drops the pool_id column of a current-schema row.
func cut11(row []byte) string {
	s := string(row[:len(row)-1])
	i := len(s) - 1
	for s[i] != ',' {
		i--
	}
	return s[:i] + "\n"
}
