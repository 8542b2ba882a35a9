package memfile

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

var cmpIP = cmp.Comparer(func(x, y netip.Addr) bool { return x == y })

func lease4(i int) *lease.Lease4 {
	return &lease.Lease4{
		Addr:          netip.AddrFrom4([4]byte{198, 51, byte(100 + i>>8), byte(i)}),
		HWAddr:        lease.HWAddr{Bytes: []byte{0xaa, 0, 0, 0, byte(i >> 8), byte(i)}, Type: lease.HTypeEther},
		ClientID:      []byte{1, 0xaa, byte(i >> 8), byte(i)},
		ValidLifetime: 3600,
		CLTT:          int64(1_700_000_000 + i),
		SubnetID:      uint32(1 + i%2),
		Hostname:      fmt.Sprintf("host%d.example.org", i),
	}
}

func open4(t *testing.T, cfg Config) *Store4 {
	t.Helper()
	s, err := Open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func addrs4(ls []*lease.Lease4) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Addr.String())
	}
	return out
}

func TestStore4Operations(t *testing.T) {
	s := open4(t, Config{Persist: false})
	for i := 1; i <= 10; i++ {
		if err := s.AddLease4(lease4(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddLease4(lease4(3)); !errors.Is(err, lease.ErrExists) {
		t.Errorf("duplicate add: %v, want ErrExists", err)
	}
	if err := s.UpdateLease4(lease4(99)); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("update of unknown lease: %v, want ErrNotFound", err)
	}
	got, err := s.Lease4(lease4(4).Addr)
	if err != nil || cmp.Diff(lease4(4), got, cmpIP) != "" {
		t.Errorf("Lease4 = %+v, %v", got, err)
	}
	got.Hostname = "changed by the caller"
	if again, _ := s.Lease4(lease4(4).Addr); again.Hostname != "host4.example.org" {
		t.Errorf("a returned lease shares memory with the store")
	}

	// A renewal moves the lease to another hardware address and subnet.
	up := lease4(5)
	up.HWAddr.Bytes = []byte{0xbb, 1, 2, 3, 4, 5}
	up.SubnetID = 9
	if err := s.UpdateLease4(up); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.Leases4ByHWAddr(lease4(5).HWAddr.Bytes); len(ls) != 0 {
		t.Errorf("old hardware address still finds %v", addrs4(ls))
	}
	if ls, _ := s.Leases4ByHWAddr(up.HWAddr.Bytes); len(ls) != 1 || ls[0].SubnetID != 9 {
		t.Errorf("new hardware address finds %v", addrs4(ls))
	}
	if l, err := s.Lease4ByHWAddrSubnet(up.HWAddr.Bytes, 9); err != nil || l.Addr != up.Addr {
		t.Errorf("Lease4ByHWAddrSubnet = %v, %v", l, err)
	}
	if _, err := s.Lease4ByHWAddrSubnet(up.HWAddr.Bytes, 1); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("Lease4ByHWAddrSubnet in another subnet: %v", err)
	}
	if l, err := s.Lease4ByClientIDSubnet(lease4(6).ClientID, 1); err != nil || l.Addr != lease4(6).Addr {
		t.Errorf("Lease4ByClientIDSubnet = %v, %v", l, err)
	}
	if ls, _ := s.Leases4ByClientID(lease4(7).ClientID); len(ls) != 1 {
		t.Errorf("Leases4ByClientID found %d", len(ls))
	}
	if ls, _ := s.Leases4ByHostname("host8.example.org"); len(ls) != 1 || ls[0].Addr != lease4(8).Addr {
		t.Errorf("Leases4ByHostname = %v", addrs4(ls))
	}
	ls, _ := s.Leases4BySubnet(2)
	if d := cmp.Diff([]string{"198.51.100.1", "198.51.100.3", "198.51.100.7", "198.51.100.9"}, addrs4(ls)); d != "" {
		t.Errorf("Leases4BySubnet(2) (-want +got)\n%s", d)
	}

	// Pages walk all leases in address order.
	var paged []string
	from := netip.MustParseAddr("0.0.0.0")
	for range 10 {
		p, err := s.Leases4Page(from, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			break
		}
		paged = append(paged, addrs4(p)...)
		from = p[len(p)-1].Addr
	}
	all, _ := s.AllLeases4()
	if d := cmp.Diff(addrs4(all), paged); d != "" || len(all) != 10 {
		t.Errorf("pages differ from AllLeases4 (-all +pages)\n%s", d)
	}

	if err := s.DeleteLease4(lease4(10).Addr); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLease4(lease4(10).Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if ls, _ := s.Leases4ByClientID(lease4(10).ClientID); len(ls) != 0 {
		t.Errorf("deleted lease still indexed")
	}
	if n, _ := s.WipeLeases4(1); n != 4 {
		t.Errorf("WipeLeases4(1) = %d, want 4", n)
	}
	if s.Len() != 5 {
		t.Errorf("Len = %d, want 5", s.Len())
	}
}

func TestStore4Expiration(t *testing.T) {
	s := open4(t, Config{Persist: false})
	for i := 1; i <= 6; i++ {
		l := lease4(i)
		l.CLTT = int64(1000 - 100*i) // lease 6 expired first
		if i == 3 {
			l.State = lease.StateExpiredReclaimed
		}
		if i == 4 {
			l.State = lease.StateDeclined
		}
		if i == 6 {
			l.ValidLifetime = lease.InfiniteLifetime
		}
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	now := int64(1000 + 3600)
	ex, _ := s.ExpiredLeases4(now, 0)
	if d := cmp.Diff([]string{"198.51.100.5", "198.51.100.4", "198.51.100.2", "198.51.100.1"}, addrs4(ex)); d != "" {
		t.Errorf("ExpiredLeases4 (-want +got)\n%s", d)
	}
	ex, _ = s.ExpiredLeases4(now, 2)
	if d := cmp.Diff([]string{"198.51.100.5", "198.51.100.4"}, addrs4(ex)); d != "" {
		t.Errorf("ExpiredLeases4 limited (-want +got)\n%s", d)
	}
	// Reclaiming lease 5 moves it out of the expired list.
	l := lease4(5)
	l.CLTT, l.State = 500, lease.StateExpiredReclaimed
	if err := s.UpdateLease4(l); err != nil {
		t.Fatal(err)
	}
	if ex, _ := s.ExpiredLeases4(now, 1); len(ex) != 1 || ex[0].Addr != lease4(4).Addr {
		t.Errorf("after reclaiming: %v", addrs4(ex))
	}
	var deleted []string
	cancel := s.Watch4(func(c lease.Change4) {
		if c.Kind == lease.Deleted {
			deleted = append(deleted, c.Old.Addr.String())
		}
	})
	defer cancel()
	// Lease 5 expires at 4100, lease 3 at 4300: a cutoff of 4200 takes lease 5 only.
	if n, _ := s.DeleteExpiredReclaimedLeases4(4200); n != 1 || len(deleted) != 1 || deleted[0] != "198.51.100.5" {
		t.Errorf("DeleteExpiredReclaimedLeases4 = %d, watch saw %v", n, deleted)
	}
}

func TestStore4Stats(t *testing.T) {
	s := open4(t, Config{Persist: false})
	for i := 1; i <= 5; i++ {
		l := lease4(i)
		l.PoolID = uint32(i % 2)
		if i == 5 {
			l.State = lease.StateDeclined
		}
		s.AddLease4(l)
	}
	got, _ := s.LeaseStats4(0, 0)
	want := []lease.StatRow{
		{SubnetID: 1, PoolID: 0, Type: lease.TypeV4, State: lease.StateDefault, Count: 2},
		{SubnetID: 2, PoolID: 1, Type: lease.TypeV4, State: lease.StateDefault, Count: 2},
		{SubnetID: 2, PoolID: 1, Type: lease.TypeV4, State: lease.StateDeclined, Count: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LeaseStats4 (-want +got)\n%s", d)
	}
	if got, _ := s.LeaseStats4(1, 1); len(got) != 1 || got[0].Count != 2 {
		t.Errorf("LeaseStats4(1, 1) = %+v", got)
	}
}

func TestStore4Rejects(t *testing.T) {
	s := open4(t, Config{Persist: false})
	noHW := lease4(1)
	noHW.HWAddr = lease.HWAddr{}
	v6 := lease4(2)
	v6.Addr = netip.MustParseAddr("2001:db8::1")
	badCtx := lease4(3)
	badCtx.UserContext = []byte(`[1]`)
	for _, l := range []*lease.Lease4{noHW, v6, badCtx} {
		if err := s.AddLease4(l); err == nil {
			t.Errorf("AddLease4(%v) accepted a lease Kea could not read back", l.Addr)
		}
	}
	declined := lease4(4)
	declined.HWAddr, declined.State = lease.HWAddr{}, lease.StateDeclined
	if err := s.AddLease4(declined); err != nil {
		t.Errorf("declined lease without hardware address: %v", err)
	}
}

func TestStore4Concurrent(t *testing.T) {
	s := open4(t, Config{Persist: true, Name: filepath.Join(t.TempDir(), "l4.csv")})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * 200; i < w*200+200; i++ {
				l := lease4(i)
				if err := s.AddLease4(l); err != nil {
					t.Error(err)
					return
				}
				l.Hostname = "renewed"
				if err := s.UpdateLease4(l); err != nil {
					t.Error(err)
				}
				if _, err := s.Leases4ByHWAddr(l.HWAddr.Bytes); err != nil {
					t.Error(err)
				}
				if i%3 == 0 {
					s.DeleteLease4(l.Addr)
				}
			}
		}()
	}
	wg.Wait()
	s.Close()
	re := open4(t, Config{Persist: true, Name: s.Path()})
	all, _ := re.AllLeases4()
	if len(all) != 800-267 {
		t.Errorf("reloaded %d leases, want %d", len(all), 800-267)
	}
	for _, l := range all {
		if l.Hostname != "renewed" {
			t.Errorf("%v: hostname %q, the update was lost", l.Addr, l.Hostname)
		}
	}
}

func TestPersistAndReload4(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	for i := 1; i <= 3; i++ {
		l := lease4(i)
		l.UserContext = []byte(`{"comment":"a, b & c"}`)
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	s.DeleteLease4(lease4(2).Addr)
	s.Close()
	b, _ := os.ReadFile(name)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	want := []string{
		"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id",
		`198.51.100.1,aa:00:00:00:00:01,01:aa:00:01,3600,1700003601,2,0,0,host1.example.org,0,{ "comment": "a&#x2c b &#x26 c" },0`,
		`198.51.100.2,aa:00:00:00:00:02,01:aa:00:02,3600,1700003602,1,0,0,host2.example.org,0,{ "comment": "a&#x2c b &#x26 c" },0`,
		`198.51.100.3,aa:00:00:00:00:03,01:aa:00:03,3600,1700003603,2,0,0,host3.example.org,0,{ "comment": "a&#x2c b &#x26 c" },0`,
		`198.51.100.2,aa:00:00:00:00:02,01:aa:00:02,0,1700000002,1,0,0,host2.example.org,0,{ "comment": "a&#x2c b &#x26 c" },0`,
	}
	if d := cmp.Diff(want, lines); d != "" {
		t.Errorf("lease file (-want +got)\n%s", d)
	}
	re := open4(t, Config{Persist: true, Name: name})
	all, _ := re.AllLeases4()
	if d := cmp.Diff([]string{"198.51.100.1", "198.51.100.3"}, addrs4(all)); d != "" {
		t.Errorf("reloaded (-want +got)\n%s", d)
	}
}

// TestTornRow simulates a crash in the middle of writing a row: the
// complete rows load, and the next row starts on a line of its own.
func TestTornRow(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	for i := 1; i <= 3; i++ {
		s.AddLease4(lease4(i))
	}
	s.Close()
	st, _ := os.Stat(name)
	if err := os.Truncate(name, st.Size()-20); err != nil {
		t.Fatal(err)
	}
	re := open4(t, Config{Persist: true, Name: name})
	all, _ := re.AllLeases4()
	if d := cmp.Diff([]string{"198.51.100.1", "198.51.100.2"}, addrs4(all)); d != "" {
		t.Fatalf("after the torn row (-want +got)\n%s", d)
	}
	if err := re.AddLease4(lease4(4)); err != nil {
		t.Fatal(err)
	}
	re.Close()
	var rowErrs []string
	again := open4(t, Config{Persist: true, Name: name, Logf: func(f string, a ...any) {
		if strings.Contains(f, "ROW_ERROR") {
			rowErrs = append(rowErrs, fmt.Sprintf(f, a...))
		}
	}})
	all, _ = again.AllLeases4()
	if d := cmp.Diff([]string{"198.51.100.1", "198.51.100.2", "198.51.100.4"}, addrs4(all)); d != "" {
		t.Errorf("after writing on (-want +got)\n%s", d)
	}
	if len(rowErrs) != 1 || !strings.Contains(rowErrs[0], "discarding row 3") {
		t.Errorf("row errors %q, want the torn row 3 only", rowErrs)
	}
}

func TestMaxRowErrors(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "l.csv")
	body := "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n" +
		"198.51.100.30,aa:aa:aa:aa:aa:aa,,3600,2000003600,1,0,0,,0,\nbad,row\nbad,row\n" +
		"198.51.100.31,aa:aa:aa:aa:aa:ab,,3600,2000003600,1,0,0,,0,\n"
	// Kea 2.2 (checked): max-row-errors 1 with 2 bad rows fails, with 1 bad row loads.
	for _, tc := range []struct {
		max  int
		fail bool
	}{{0, false}, {1, true}, {2, false}} {
		os.WriteFile(name, []byte(body), 0o644)
		s, err := Open4(Config{Persist: true, Name: name, MaxRowErrors: tc.max})
		if tc.fail {
			if err == nil || !strings.Contains(err.Error(), "exceeded maximum number of failures 1 to read a lease from the lease file") {
				t.Errorf("max %d: error %v", tc.max, err)
			}
			if s != nil {
				s.Close()
			}
			continue
		}
		if err != nil {
			t.Errorf("max %d: %v", tc.max, err)
			continue
		}
		if s.Len() != 2 {
			t.Errorf("max %d: %d leases", tc.max, s.Len())
		}
		s.Close()
		os.Remove(name + ".1")
		os.Remove(name + ".2")
	}
}

func TestWriteFileLive(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	for i := 1; i <= 3; i++ {
		s.AddLease4(lease4(i))
		s.UpdateLease4(lease4(i))
	}
	if err := s.WriteFile(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fmt.Sprintf("%s.bak%d", name, os.Getpid())); err != nil {
		t.Errorf("old file not kept: %v", err)
	}
	s.AddLease4(lease4(4))
	b, _ := os.ReadFile(name)
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Errorf("live file has %d lines, want header + 3 + 1:\n%s", n, b)
	}
}

// TestExtendedInfoChecksOnLoad: sanity-checks.extended-info-checks applies
// to the leases read from the file, in memory only (ARM "Storing Extended
// Lease Information"): Kea 2.2's string form is upgraded with the default
// level (fix), a broken ISC entry is removed with a
// DHCPSRV_LEASE4_EXTENDED_INFO_SANITY_FAIL message, and the file is left
// as it was; "none" leaves everything.
func TestExtendedInfoChecksOnLoad(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name, ExtendedInfoChecks: "none"})
	ctx := map[int]string{
		1: `{ "ISC": { "relay-agent-info": "0x02030102030C03AABBCC" } }`,
		2: `{ "ISC": 5, "comment": "kept" }`,
		3: `{ "ISC": { "relay-agent-info": { "sub-options": "0x0101AA" } } }`,
	}
	for i := 1; i <= 3; i++ {
		l := lease4(i)
		l.UserContext = []byte(ctx[i])
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	before, _ := os.ReadFile(name)
	get := func(s *Store4, i int) string {
		l, err := s.Lease4(lease4(i).Addr)
		if err != nil {
			t.Fatal(err)
		}
		return string(l.UserContext)
	}

	var logs []string
	cfg := Config{Persist: true, Name: name, Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }}
	re := open4(t, cfg)
	want := map[int]string{
		1: `{ "ISC": { "relay-agent-info": { "relay-id": "AABBCC", "remote-id": "010203", "sub-options": "0x02030102030C03AABBCC" } } }`,
		2: `{ "comment": "kept" }`,
		3: `{"ISC":{"relay-agent-info":{"sub-options":"0x0101AA"}}}`, // as read
	}
	for i := 1; i <= 3; i++ {
		if got := get(re, i); got != want[i] {
			t.Errorf("lease %d: %s, want %s", i, got, want[i])
		}
	}
	wantLog := "DHCPSRV_LEASE4_EXTENDED_INFO_SANITY_FAIL extended info for lease 198.51.100.2 failed checks (in isc a problem was found: ISC entry is not a map)"
	found := false
	for _, l := range logs {
		found = found || l == wantLog
	}
	if !found {
		t.Errorf("no %q in %q", wantLog, logs)
	}
	re.Close()
	if after, _ := os.ReadFile(name); string(after) != string(before) {
		t.Errorf("the lease file changed:\n%s\nwas\n%s", after, before)
	}
	none := open4(t, Config{Persist: true, Name: name, ExtendedInfoChecks: "none"})
	if got, want := get(none, 1), `{"ISC":{"relay-agent-info":"0x02030102030C03AABBCC"}}`; got != want {
		t.Errorf("none: lease 1 %s, want %s", got, want)
	}
}

// TestLeaseChecksOnLoad is sanity-checks.lease-checks as Kea's
// SanityChecker applies it to the leases read from the file: subnet 1 is
// 198.51.100.0/25, subnet 7 198.51.100.128/25; lease 1 (.1) says subnet
// 2 (should be 1), lease 3 (.3) subnet 2 too, lease 2 (.2) subnet 1
// (right). With no subnet for an address the lease is kept (warn, fix)
// or dropped (fix-del, del).
func TestLeaseChecksOnLoad(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	for i := 1; i <= 3; i++ {
		if err := s.AddLease4(lease4(i)); err != nil {
			t.Fatal(err)
		}
	}
	orphan := lease4(4)
	orphan.Addr = netip.MustParseAddr("203.0.113.4")
	orphan.SubnetID = 1
	if err := s.AddLease4(orphan); err != nil {
		t.Fatal(err)
	}
	s.Close()
	subnets := map[uint32]netip.Prefix{1: netip.MustParsePrefix("198.51.100.0/25"), 7: netip.MustParsePrefix("198.51.100.128/25")}
	check := func(addr netip.Addr, id uint32) (bool, uint32) {
		if p, ok := subnets[id]; ok && p.Contains(addr) {
			return true, id
		}
		for _, sid := range []uint32{1, 7} {
			if subnets[sid].Contains(addr) {
				return false, sid
			}
		}
		return false, 0
	}
	for _, c := range []struct {
		level string
		want  map[string]uint32 // address → subnet id; absent: dropped
		log   []string
	}{
		{"none", map[string]uint32{"198.51.100.1": 2, "198.51.100.2": 1, "198.51.100.3": 2, "203.0.113.4": 1}, nil},
		{"warn", map[string]uint32{"198.51.100.1": 2, "198.51.100.2": 1, "198.51.100.3": 2, "203.0.113.4": 1}, []string{
			"DHCPSRV_LEASE_SANITY_FAIL The lease 198.51.100.1 with subnet-id 2 failed subnet-id checks (the lease should have subnet-id 1).",
			"DHCPSRV_LEASE_SANITY_FAIL The lease 198.51.100.3 with subnet-id 2 failed subnet-id checks (the lease should have subnet-id 1).",
			"DHCPSRV_LEASE_SANITY_FAIL The lease 203.0.113.4 with subnet-id 1 failed subnet-id checks (the lease IP address did not belong to a configured subnet).",
		}},
		{"fix", map[string]uint32{"198.51.100.1": 1, "198.51.100.2": 1, "198.51.100.3": 1, "203.0.113.4": 1}, []string{
			"DHCPSRV_LEASE_SANITY_FIXED The lease 198.51.100.1 with subnet-id 2 failed subnet-id checks, but was corrected to subnet-id 1.",
			"DHCPSRV_LEASE_SANITY_FIXED The lease 198.51.100.3 with subnet-id 2 failed subnet-id checks, but was corrected to subnet-id 1.",
			"DHCPSRV_LEASE_SANITY_FAIL The lease 203.0.113.4 with subnet-id 1 failed subnet-id checks (the lease IP address did not belong to a configured subnet).",
		}},
		{"fix-del", map[string]uint32{"198.51.100.1": 1, "198.51.100.2": 1, "198.51.100.3": 1}, []string{
			"DHCPSRV_LEASE_SANITY_FIXED The lease 198.51.100.1 with subnet-id 2 failed subnet-id checks, but was corrected to subnet-id 1.",
			"DHCPSRV_LEASE_SANITY_FIXED The lease 198.51.100.3 with subnet-id 2 failed subnet-id checks, but was corrected to subnet-id 1.",
			"DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease 203.0.113.4 with subnet-id 1 failed subnet-id checks (the lease IP address did not belong to a configured subnet) and was dropped.",
		}},
		{"del", map[string]uint32{"198.51.100.2": 1}, []string{
			"DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease 198.51.100.1 with subnet-id 2 failed subnet-id checks (the lease should have subnet-id 1) and was dropped.",
			"DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease 198.51.100.3 with subnet-id 2 failed subnet-id checks (the lease should have subnet-id 1) and was dropped.",
			"DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease 203.0.113.4 with subnet-id 1 failed subnet-id checks (the lease IP address did not belong to a configured subnet) and was dropped.",
		}},
	} {
		var logs []string
		st := open4(t, Config{Persist: true, Name: name, LeaseChecks: c.level, SubnetCheck: check,
			Logf: func(f string, a ...any) {
				if l := fmt.Sprintf(f, a...); strings.HasPrefix(l, "DHCPSRV_LEASE_SANITY") {
					logs = append(logs, l)
				}
			}})
		all, _ := st.AllLeases4()
		got := map[string]uint32{}
		for _, l := range all {
			got[l.Addr.String()] = l.SubnetID
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s: leases (-want +got)\n%s", c.level, d)
		}
		if d := cmp.Diff(c.log, logs); d != "" {
			t.Errorf("%s: log (-want +got)\n%s", c.level, d)
		}
		st.Close()
	}
}
