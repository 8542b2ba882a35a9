package csv

import (
	"encoding/json"
	"net/netip"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

// keaLease is one lease in Kea's lease4-get-all / lease6-get-all answer.
type keaLease struct {
	IPAddress   string          `json:"ip-address"`
	HWAddress   string          `json:"hw-address"`
	ClientID    string          `json:"client-id"`
	DUID        string          `json:"duid"`
	IAID        uint32          `json:"iaid"`
	Type        string          `json:"type"`
	PrefixLen   uint8           `json:"prefix-len"`
	ValidLft    uint32          `json:"valid-lft"`
	PreferredLf uint32          `json:"preferred-lft"`
	CLTT        int64           `json:"cltt"`
	SubnetID    uint32          `json:"subnet-id"`
	FQDNFwd     bool            `json:"fqdn-fwd"`
	FQDNRev     bool            `json:"fqdn-rev"`
	Hostname    string          `json:"hostname"`
	State       uint32          `json:"state"`
	UserContext json.RawMessage `json:"user-context"`
}

func readKeaAnswer(t *testing.T, path string) []keaLease {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Result    int `json:"result"`
		Arguments struct {
			Leases []keaLease `json:"leases"`
		} `json:"arguments"`
	}
	if err := json.Unmarshal(b, &ans); err != nil || ans.Result != 0 {
		t.Fatalf("%s: %v (result %d)", path, err, ans.Result)
	}
	return ans.Arguments.Leases
}

// normJSON makes user contexts comparable whatever their layout.
func normJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "invalid:" + string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := lease.ParseHex(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// TestGoldenKea22Leases4 loads a lease file written by Kea 2.2 (through
// lease4-add, lease4-update and lease4-del) and compares every lease with
// what the same Kea answered to lease4-get-all.
func TestGoldenKea22Leases4(t *testing.T) {
	got := map[netip.Addr]*lease.Lease4{}
	res, err := Load4("../testdata/kea22-leases4.csv", 0, func(l *lease.Lease4) {
		if l.ValidLifetime == 0 {
			delete(got, l.Addr)
			return
		}
		got[l.Addr] = l
	}, func(e *RowError) { t.Errorf("row error: %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	if res.State != NeedsUpgrade || res.Errors != 0 || res.Rows != 8 {
		t.Errorf("load result = %+v, want 8 rows, no errors, needs upgrade", res)
	}
	want := readKeaAnswer(t, "../testdata/kea22-leases4-get-all.json")
	if len(got) != len(want) {
		t.Fatalf("loaded %d leases, Kea reported %d", len(got), len(want))
	}
	for _, k := range want {
		a := netip.MustParseAddr(k.IPAddress)
		l := got[a]
		if l == nil {
			t.Errorf("%s: not loaded", a)
			continue
		}
		exp := lease.Lease4{
			Addr: a, ValidLifetime: k.ValidLft, CLTT: k.CLTT, SubnetID: k.SubnetID,
			FQDNFwd: k.FQDNFwd, FQDNRev: k.FQDNRev, Hostname: k.Hostname, State: lease.State(k.State),
			ClientID: mustHex(t, k.ClientID),
		}
		if k.HWAddress != "" {
			exp.HWAddr = lease.HWAddr{Bytes: mustHex(t, k.HWAddress), Type: lease.HTypeEther}
		}
		gotCopy := *l
		if normJSON(gotCopy.UserContext) != normJSON(k.UserContext) {
			t.Errorf("%s: user context %s, Kea says %s", a, gotCopy.UserContext, k.UserContext)
		}
		gotCopy.UserContext = nil
		if d := cmp.Diff(exp, gotCopy, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); d != "" {
			t.Errorf("%s: (-Kea +loaded)\n%s", a, d)
		}
	}
	relay, remote := lease.RelayIDs4(got[netip.MustParseAddr("198.51.100.20")].UserContext)
	if relay != nil || string(remote) != "\xaa\xbb\xcc\xdd" {
		t.Errorf("RelayIDs4 = %x, %x; want none, aabbccdd", relay, remote)
	}
}

// TestGoldenKea22Leases6 is TestGoldenKea22Leases4 for DHCPv6.
func TestGoldenKea22Leases6(t *testing.T) {
	got := map[netip.Addr]*lease.Lease6{}
	res, err := Load6("../testdata/kea22-leases6.csv", 0, func(l *lease.Lease6) {
		if l.ValidLifetime == 0 {
			delete(got, l.Addr)
			return
		}
		got[l.Addr] = l
	}, func(e *RowError) { t.Errorf("row error: %v", e) })
	if err != nil {
		t.Fatal(err)
	}
	if res.State != NeedsUpgrade || res.Errors != 0 || res.Rows != 6 {
		t.Errorf("load result = %+v, want 6 rows, no errors, needs upgrade", res)
	}
	want := readKeaAnswer(t, "../testdata/kea22-leases6-get-all.json")
	if len(got) != len(want) {
		t.Fatalf("loaded %d leases, Kea reported %d", len(got), len(want))
	}
	for _, k := range want {
		a := netip.MustParseAddr(k.IPAddress)
		l := got[a]
		if l == nil {
			t.Errorf("%s: not loaded", a)
			continue
		}
		typ, err := lease.ParseType(k.Type)
		if err != nil {
			t.Fatal(err)
		}
		exp := lease.Lease6{
			Addr: a, Type: typ, PrefixLen: 128, IAID: k.IAID, DUID: mustHex(t, k.DUID),
			PreferredLifetime: k.PreferredLf, ValidLifetime: k.ValidLft, CLTT: k.CLTT, SubnetID: k.SubnetID,
			FQDNFwd: k.FQDNFwd, FQDNRev: k.FQDNRev, Hostname: k.Hostname, State: lease.State(k.State),
		}
		if typ == lease.TypePD {
			exp.PrefixLen = k.PrefixLen
		}
		if k.HWAddress != "" {
			exp.HWAddr = lease.HWAddr{Bytes: mustHex(t, k.HWAddress), Type: lease.HTypeEther}
		}
		gotCopy := *l
		if normJSON(gotCopy.UserContext) != normJSON(k.UserContext) {
			t.Errorf("%s: user context %s, Kea says %s", a, gotCopy.UserContext, k.UserContext)
		}
		gotCopy.UserContext = nil
		if d := cmp.Diff(exp, gotCopy, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); d != "" {
			t.Errorf("%s: (-Kea +loaded)\n%s", a, d)
		}
	}
	_, remotes := lease.RelayIDs6(got[netip.MustParseAddr("2001:db8:1::100")].UserContext)
	if len(remotes) != 1 || string(remotes[0]) != "\xaa\xbb\xcc\xdd" {
		t.Errorf("RelayIDs6 remote-ids = %x, want [aabbccdd]", remotes)
	}
}

// TestRewriteMatchesKea checks that rows Nestor writes for Kea's leases are
// Kea's own rows plus the pool_id column: same escaping, same JSON layout.
func TestRewriteMatchesKea(t *testing.T) {
	for _, tc := range []struct {
		path string
		cols int
	}{{"../testdata/kea22-leases4.csv", 11}, {"../testdata/kea22-leases6.csv", 17}} {
		b, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		lines := splitLines(string(b))
		s := Schema4
		if tc.cols == 17 {
			s = Schema6
		}
		for _, line := range lines[1:] {
			f, err := os.CreateTemp(t.TempDir(), "row")
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(lines[0] + "\n" + line + "\n")
			f.Seek(0, 0)
			r, err := NewReader(f, s)
			if err != nil {
				t.Fatal(err)
			}
			var row []byte
			if s == Schema4 {
				l, err := r.Next4()
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				row, err = AppendLease4(nil, l)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				l, err := r.Next6()
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				row, err = AppendLease6(nil, l)
				if err != nil {
					t.Fatal(err)
				}
			}
			f.Close()
			if want := line + ",0\n"; string(row) != want {
				t.Errorf("rewrite of Kea's row\n got %q\nwant %q", row, want)
			}
		}
	}
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
