package csv

import (
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

const (
	hdr4v2 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"
	hdr4   = hdr4v2 + ",pool_id"
)

func TestHeader(t *testing.T) {
	tests := []struct {
		header  string
		state   SchemaState
		wantErr string
	}{
		{hdr4, Current, ""},
		{hdr4v2, NeedsUpgrade, ""},
		{"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname", NeedsUpgrade, ""},
		{hdr4 + ",future_column", NeedsDowngrade, ""},
		{"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev", 0, "too few columns"},
		{"address,hw,client_id", 0, "column 2 is 'hw'"},
		{"", 0, "column 1 is ''"},
	}
	for _, tc := range tests {
		r, err := NewReader(strings.NewReader(tc.header+"\n"), Schema4)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.header, err, tc.wantErr)
			}
			continue
		}
		if err != nil || r.State() != tc.state {
			t.Errorf("%q: state %v, %v; want %v", tc.header, r.State(), err, tc.state)
		}
	}
	if got := Schema4.Header(12); got != hdr4 {
		t.Errorf("Schema4 header = %q", got)
	}
	if got := Schema6.Header(18); got != "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id" {
		t.Errorf("Schema6 header = %q", got)
	}
	if _, err := NewReader(strings.NewReader(""), Schema4); err != ErrNoHeader {
		t.Errorf("empty input: %v, want ErrNoHeader", err)
	}
}

func TestParseRow4(t *testing.T) {
	base := lease.Lease4{
		Addr:          mustAddr("198.51.100.5"),
		HWAddr:        lease.HWAddr{Bytes: []byte{1, 2, 3, 4, 5, 6}, Type: lease.HTypeEther},
		ValidLifetime: 3600, CLTT: 1000, SubnetID: 7,
	}
	with := func(f func(*lease.Lease4)) *lease.Lease4 { l := base; f(&l); return &l }
	tests := []struct {
		name, header, row string
		want              *lease.Lease4
		wantErr           string
	}{
		{"current", hdr4, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0", &base, ""},
		{"all fields", hdr4, "198.51.100.5,1:2:3:4:5:6,ff:01,3600,4600,7,1,1,a&#x2cb,2,{ \"x\": 1 },9",
			with(func(l *lease.Lease4) {
				l.ClientID, l.FQDNFwd, l.FQDNRev, l.Hostname, l.State, l.UserContext, l.PoolID =
					[]byte{0xff, 1}, true, true, "a,b", lease.StateExpiredReclaimed, []byte(`{"x":1}`), 9
			}), ""},
		{"kea 1.x file", "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname",
			"198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,", &base, ""},
		{"kea 2.2 row under upgrade", hdr4v2, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,", &base, ""},
		{"newer file", hdr4 + ",extra", "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0,zz", &base, ""},
		{"declined without hwaddr", hdr4, "198.51.100.5,,,3600,4600,7,0,0,,1,,0",
			with(func(l *lease.Lease4) { l.HWAddr, l.State = lease.HWAddr{}, lease.StateDeclined }), ""},
		{"infinite", hdr4, "198.51.100.5,01:02:03:04:05:06,,4294967295,4294968295,7,0,0,,0,,0",
			with(func(l *lease.Lease4) { l.ValidLifetime = lease.InfiniteLifetime }), ""},
		{"short row", hdr4, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,", nil, "must match current schema"},
		{"too few to upgrade", hdr4v2, "198.51.100.5,01:02:03:04:05:06,,3600", nil, "too few columns to upgrade"},
		{"blank hwaddr", hdr4, "198.51.100.5,,,3600,4600,7,0,0,,0,,0", nil, "blank hardware address"},
		{"short client-id", hdr4, "198.51.100.5,01:02:03:04:05:06,ab,3600,4600,7,0,0,,0,,0", nil, "client-id is too short"},
		{"bad address", hdr4, "198.51.100.256,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0", nil, "invalid IPv4 address"},
		{"v6 address", hdr4, "2001:db8::1,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0", nil, "invalid IPv4 address"},
		{"leading zero", hdr4, "198.51.100.05,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0", nil, "invalid IPv4 address"},
		{"bad bool", hdr4, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,2,0,,0,,0", nil, "invalid fqdn_fwd"},
		{"negative", hdr4, "198.51.100.5,01:02:03:04:05:06,,-1,4600,7,0,0,,0,,0", nil, "invalid valid_lifetime"},
		{"overflow", hdr4, "198.51.100.5,01:02:03:04:05:06,,4294967296,4600,7,0,0,,0,,0", nil, "invalid valid_lifetime"},
		{"context not a map", hdr4, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,[],0", nil, "is not a JSON map"},
		{"context bad json", hdr4, "198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,{,0", nil, "invalid user context"},
		{"bad hwaddr", hdr4, "198.51.100.5,01:02:zz,,3600,4600,7,0,0,,0,,0", nil, "invalid hardware address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.header+"\n"+tc.row+"\n"), Schema4)
			if err != nil {
				t.Fatal(err)
			}
			l, err := r.Next4()
			if tc.wantErr != "" {
				var re *RowError
				if !errors.As(err, &re) || re.Row != 1 || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want row 1 error with %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if d := cmp.Diff(tc.want, l, cmp.Comparer(func(x, y lease.HWAddr) bool { return x.Equal(y) && x.Source == y.Source }), cmpAddr); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			if _, err := r.Next4(); err != io.EOF {
				t.Errorf("after the row: %v, want EOF", err)
			}
		})
	}
}

func TestParseRow6(t *testing.T) {
	const hdr = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id"
	tests := []struct {
		name, header, row string
		want              *lease.Lease6
		wantErr           string
	}{
		{"pd with hwaddr", hdr, "2001:db8:8::,00:01:02,100,1100,3,50,2,77,56,0,1,h&#x2c1,0a:0b,0,,6,4,5", &lease.Lease6{
			Addr: mustAddr("2001:db8:8::"), Type: lease.TypePD, PrefixLen: 56, IAID: 77, DUID: []byte{0, 1, 2},
			PreferredLifetime: 50, ValidLifetime: 100, CLTT: 1000, SubnetID: 3, FQDNRev: true, Hostname: "h,1",
			HWAddr: lease.HWAddr{Bytes: []byte{10, 11}, Type: 6, Source: 4}, PoolID: 5}, ""},
		{"kea 1.0 file", "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname",
			"2001:db8::1,00:01:02,100,1100,3,50,0,77,128,0,0,", &lease.Lease6{
				Addr: mustAddr("2001:db8::1"), PrefixLen: 128, IAID: 77, DUID: []byte{0, 1, 2},
				PreferredLifetime: 50, ValidLifetime: 100, CLTT: 1000, SubnetID: 3}, ""},
		{"unreadable hwaddr dropped", hdr, "2001:db8::1,00:01:02,100,1100,3,50,0,77,128,0,0,,zz,0,,1,0,0", &lease.Lease6{
			Addr: mustAddr("2001:db8::1"), PrefixLen: 128, IAID: 77, DUID: []byte{0, 1, 2},
			PreferredLifetime: 50, ValidLifetime: 100, CLTT: 1000, SubnetID: 3}, ""},
		{"empty duid not declined", hdr, "2001:db8::1,00,100,1100,3,50,0,77,128,0,0,,,0,,,,0", nil, "empty DUID"},
		{"bad type", hdr, "2001:db8::1,00:01,100,1100,3,50,3,77,128,0,0,,,0,,,,0", nil, "invalid lease_type"},
		{"bad prefix", hdr, "2001:db8::1,00:01,100,1100,3,50,2,77,129,0,0,,,0,,,,0", nil, "invalid prefix_len"},
		{"v4 address", hdr, "198.51.100.1,00:01,100,1100,3,50,0,77,128,0,0,,,0,,,,0", nil, "invalid IPv6 address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.header+"\n"+tc.row+"\n"), Schema6)
			if err != nil {
				t.Fatal(err)
			}
			l, err := r.Next6()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, l, cmpAddr); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestUnterminatedRow(t *testing.T) {
	r, err := NewReader(strings.NewReader(hdr4+"\n198.51.100.5,01:02:03:04:05:06,,3600,4600,7,0,0,,0,,0"), Schema4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next4(); err != nil || !r.Unterminated {
		t.Errorf("last row without newline: %v, unterminated %v", err, r.Unterminated)
	}
}

var cmpAddr = cmp.Comparer(func(x, y netip.Addr) bool { return x == y })

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
