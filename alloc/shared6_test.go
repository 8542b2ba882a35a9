package alloc

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/pkt"
)

const shared6TestConfig = `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "client-classes": [{"name": "gold"}],
  "shared-networks": [{"name": "net", "subnet6": [
    {"id": 3, "subnet": "2001:db8:3::/64", "pools": [{"pool": "2001:db8:3::10-2001:db8:3::10"}]},
    {"id": 5, "subnet": "2001:db8:5::/64", "client-class": "gold", "pools": [{"pool": "2001:db8:5::10-2001:db8:5::1f"}]},
    {"id": 4, "subnet": "2001:db8:4::/64", "preferred-lifetime": 300, "valid-lifetime": 400,
     "pools": [{"pool": "2001:db8:4::10-2001:db8:4::11"}]}]}]}}`

// TestAllocate6SharedNetwork: a full subnet sends the client on to the next
// subnet of its shared network that its classes admit (Kea's
// getNextSubnet), the context says where, and the client's lease is found
// there later although the query selects the first subnet.
func TestAllocate6SharedNetwork(t *testing.T) {
	cfg, _, err := config.ParseDhcp6("t.json", []byte(shared6TestConfig), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := memfile.Open6(memfile.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := NewEngine6(cfg, store, nil, nil, nil, nil)
	type got struct {
		Subnet uint32
		Leases []string
		Valid  uint32
	}
	tests := []struct {
		name string
		duid byte
		want got
	}{
		{"first subnet", 1, got{3, []string{"2001:db8:3::10/128"}, 4000}},
		{"first full, gold subnet skipped", 2, got{4, []string{"2001:db8:4::10/128"}, 400}},
		{"same client again finds its lease", 2, got{4, []string{"2001:db8:4::10/128"}, 400}},
		{"third client", 3, got{4, []string{"2001:db8:4::11/128"}, 400}},
		{"network full", 4, got{3, nil, 0}},
	}
	for _, tt := range tests {
		c := &Context6{Subnet: cfg.Subnet(3), DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, tt.duid}}
		r, err := e.Allocate6(c, &IA6{Type: lease.TypeNA, IAID: 1})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		g := got{Subnet: c.Subnet.ID, Leases: prefixes(r.Leases)}
		if len(r.Leases) > 0 {
			g.Valid = r.Leases[0].ValidLifetime
			if r.Leases[0].SubnetID != c.Subnet.ID {
				t.Errorf("%s: lease in subnet %d, context says %d", tt.name, r.Leases[0].SubnetID, c.Subnet.ID)
			}
		}
		if d := cmp.Diff(tt.want, g); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
	// RENEW selecting the first subnet extends the lease held in the other.
	c := &Context6{Subnet: cfg.Subnet(3), DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, 2}}
	r, err := e.Renew6(c, &IA6{Type: lease.TypeNA, IAID: 1}, false)
	if err != nil || c.Subnet.ID != 4 || len(r.Leases) != 1 || r.Leases[0].Addr.String() != "2001:db8:4::10" {
		t.Errorf("renew: subnet %d leases %v err %v", c.Subnet.ID, prefixes(r.Leases), err)
	}
}

// TestReservation6SharedNetwork: a reservation in another subnet of the
// shared network is found and given, the engine moving to that subnet;
// one in a subnet the client's classes do not admit is not.
func TestReservation6SharedNetwork(t *testing.T) {
	js := `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "client-classes": [{"name": "gold"}],
  "shared-networks": [{"name": "net", "subnet6": [
    {"id": 3, "subnet": "2001:db8:3::/64", "pools": [{"pool": "2001:db8:3::10-2001:db8:3::1f"}]},
    {"id": 5, "subnet": "2001:db8:5::/64", "client-class": "gold",
     "reservations": [{"duid": "00:03:00:01:00:00:00:00:00:07", "ip-addresses": ["2001:db8:5::7"]}]},
    {"id": 4, "subnet": "2001:db8:4::/64",
     "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48, "delegated-len": 56}],
     "reservations": [{"duid": "00:03:00:01:00:00:00:00:00:09", "ip-addresses": ["2001:db8:4::9"], "prefixes": ["2001:db8:9900::/56"]},
                      {"duid": "00:03:00:01:00:00:00:00:00:07", "ip-addresses": ["2001:db8:4::7"]}]}]}]}}`
	v := newEnv6With(t, js, nil)
	tests := []struct {
		name    string
		duid    byte
		t       lease.Type
		classes []string
		subnet  uint32
		want    string
	}{
		{"address reserved in the third subnet", 9, lease.TypeNA, nil, 4, "2001:db8:4::9/128"},
		{"prefix reserved there too", 9, lease.TypePD, nil, 4, "2001:db8:9900::/56"},
		{"gold subnet not admitted: the next one's reservation", 7, lease.TypeNA, nil, 4, "2001:db8:4::7/128"},
		{"gold client: the gold subnet's reservation", 7, lease.TypeNA, []string{"gold"}, 5, "2001:db8:5::7/128"},
		{"no reservation: the selected subnet's pool", 1, lease.TypeNA, nil, 3, "2001:db8:3::10/128"},
	}
	for i, tt := range tests {
		c := &Context6{Subnet: v.cfg.Subnet(3), DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, tt.duid}, Query: &pkt.Pkt6{}}
		c.Query.Classes = tt.classes
		c.HostIdentifiers = host.ClientIdentifiers6(nil, c.DUID, nil, nil)
		v.e.FindReservations6(c)
		r, err := v.e.Allocate6(c, &IA6{Type: tt.t, IAID: uint32(i + 1)})
		if err != nil || len(r.Leases) != 1 {
			t.Fatalf("%s: %v %v", tt.name, prefixes(r.Leases), err)
		}
		if got := leasePrefix(r.Leases[0]).String(); got != tt.want || c.Subnet.ID != tt.subnet || r.Leases[0].SubnetID != tt.subnet {
			t.Errorf("%s: %s in subnet %d (context %d), want %s in %d", tt.name, got, r.Leases[0].SubnetID, c.Subnet.ID, tt.want, tt.subnet)
		}
	}
}
