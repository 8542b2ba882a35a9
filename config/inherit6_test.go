package config

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestInherit6 checks the effective parameters of DHCPv6 subnets: subnet,
// then shared network, then global, then the default.
func TestInherit6(t *testing.T) {
	c, _, err := LoadDhcp6FileWith("testdata/good6/inherit.json", LoadOptions{InterfaceExists: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.AllSubnets) != 2 {
		t.Fatalf("%d subnets", len(c.AllSubnets))
	}
	type eff struct {
		ID                          uint32
		Valid, Pref, MinPref, MaxPr uint32
		Renew                       Opt[uint32]
		Calc                        bool
		T2                          float64
		Alloc, PDAlloc, IfaceID     string
		Rapid                       bool
		Options                     []string
	}
	var got []eff
	for _, s := range c.AllSubnets {
		e := s.Eff
		var opts []string
		for _, o := range e.Options {
			opts = append(opts, o.Name.V)
		}
		got = append(got, eff{s.ID, e.ValidLifetime, e.PreferredLifetime, e.MinPreferredLifetime, e.MaxPreferredLifetime,
			e.RenewTimer, e.CalculateTeeTimes, e.T2Percent, e.Allocator, e.PDAllocator, e.InterfaceID, e.RapidCommit, opts})
	}
	want := []eff{
		// Own preferred 3400 exceeds valid 3000 (network): 0.625 * valid.
		{10, 3000, 1875, 3400, 3500, Some[uint32](1000), true, 0.8, "iterative", "random", "relay1", true, []string{"sntp-servers", "dns-servers"}},
		{1, 4000, 3000, 3000, 3500, Some[uint32](1000), false, 0.8, "random", "random", "", false, []string{"dns-servers"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("effective parameters (-want +got):\n%s", diff)
	}

	s := c.Subnet(10)
	p := s.PDPools[0]
	if p.Prefix != netip.MustParsePrefix("2001:db8:8::/48") || p.DelegatedLen != 56 ||
		p.ExcludedPrefix.V != netip.MustParsePrefix("2001:db8:8:0:80::/72") || p.Last() != netip.MustParsePrefix("2001:db8:8:ff00::/56") {
		t.Errorf("pd-pool %+v, last %s", p, p.Last())
	}
	h := s.Reservations[0]
	if h.SubnetID != 10 || h.IPAddresses[0] != netip.MustParseAddr("2001:db8:1::5") || h.Prefixes[0] != netip.MustParsePrefix("2001:db8:9::/56") {
		t.Errorf("reservation %+v", h)
	}
	if diff := cmp.Diff([]uint16{23, 110}, c.RelaySupplied); diff != "" {
		t.Errorf("relay-supplied-options (-want +got):\n%s", diff)
	}
	if c.ServerID.Type != "EN" || c.ServerID.EnterpriseID != 2495 || c.ServerID.Persist {
		t.Errorf("server-id %+v", c.ServerID)
	}
	if cl := c.ClientClass("phones"); cl == nil || cl.Expr == nil || cl.Preferred.V != 600 {
		t.Errorf("class %+v", cl)
	}
	if c.Subnet(1).Network != nil || c.Subnet(10).Network.Name != "net" {
		t.Error("subnet networks wrong")
	}
}
