package host

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
)

const hosts6Config = `{"Dhcp6": {
  "reservations": [{"duid": "00:03:00:01:aa:bb:cc:dd:ee:ff", "hostname": "global"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}],
    "reservations": [
      {"duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::5"], "prefixes": ["2001:db8:9000::/56"], "client-classes": ["gold"]},
      {"hw-address": "00:11:22:33:44:55", "ip-addresses": ["2001:db8:1::6"]}
    ]}]}}`

func TestFromConfig6(t *testing.T) {
	cfg, _, err := config.ParseDhcp6("t.json", []byte(hosts6Config), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromConfig6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.All()); n != 3 {
		t.Fatalf("%d hosts", n)
	}
	h := s.Get6(1, IdentDUID, []byte{1, 2, 3, 4})
	if h == nil {
		t.Fatal("duid host not found")
	}
	if !cmp.Equal(h.Addresses, []netip.Addr{netip.MustParseAddr("2001:db8:1::5")}, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })) ||
		len(h.Prefixes) != 1 || h.Prefixes[0] != netip.MustParsePrefix("2001:db8:9000::/56") || !cmp.Equal(h.ClientClasses, []string{"gold"}) {
		t.Errorf("host = %+v", h)
	}
	if g := s.Get6(0, IdentDUID, []byte{0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}); g == nil || g.Hostname != "global" {
		t.Errorf("global host = %+v", g)
	}
	if got := s.GetByAddress6(1, netip.MustParsePrefix("2001:db8:9000::/56")); len(got) != 1 || got[0] != h {
		t.Errorf("by prefix = %v", got)
	}
	if got := s.GetByAddress6(1, netip.MustParsePrefix("2001:db8:1::6/128")); len(got) != 1 || got[0].IdentifierType != IdentHWAddr {
		t.Errorf("by address = %v", got)
	}
	if got := s.GetByAddress6(2, netip.MustParsePrefix("2001:db8:1::6/128")); got != nil {
		t.Errorf("other subnet = %v", got)
	}
}

func TestClientIdentifiers6(t *testing.T) {
	duid, hw := []byte{0, 3, 0, 1, 9}, []byte{1, 2, 3, 4, 5, 6}
	tests := []struct {
		order []IdentifierType
		want  []Identifier
	}{
		{nil, []Identifier{{IdentHWAddr, hw}, {IdentDUID, duid}}},
		{[]IdentifierType{IdentDUID, IdentFlexID}, []Identifier{{IdentDUID, duid}, {IdentFlexID, []byte("f")}}},
	}
	for _, tt := range tests {
		if got := ClientIdentifiers6(tt.order, duid, hw, []byte("f")); !cmp.Equal(got, tt.want) {
			t.Errorf("ClientIdentifiers6(%v) = %v", tt.order, got)
		}
	}
	if ids, _ := ParseIdentifiers6(nil); !cmp.Equal(ids, DefaultIdentifiers6) {
		t.Errorf("default = %v", ids)
	}
}
