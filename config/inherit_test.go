package config

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInheritance(t *testing.T) {
	c, warns, err := LoadDhcp4File("testdata/good/inherit.json")
	if err != nil {
		t.Fatal(err)
	}
	type eff struct {
		ID                                   uint32
		Valid, Min, Max                      uint32
		Renew, Rebind                        Opt[uint32]
		Calc                                 bool
		T1                                   float64
		MatchClientID, Authoritative         bool
		NextServer                           string
		ResGlobal, ResInSubnet, ResOutOfPool bool
		Suffix, Mode                         string
		Relay                                []string
		Options                              []string
		Network                              string
	}
	var got []eff
	for _, s := range c.AllSubnets {
		e := s.Eff
		var opts []string
		for _, o := range e.Options {
			opts = append(opts, o.Name.V+"="+o.Data)
		}
		net := ""
		if s.Network != nil {
			net = s.Network.Name
		}
		got = append(got, eff{s.ID, e.ValidLifetime, e.MinValidLifetime, e.MaxValidLifetime,
			e.RenewTimer, e.RebindTimer, e.CalculateTeeTimes, e.T1Percent, e.MatchClientID,
			e.Authoritative, e.NextServer, e.ReservationsGlobal, e.ReservationsInSubnet,
			e.ReservationsOutOfPool, e.DDNSQualifyingSuffix, e.DDNSConflictResolutionMode,
			e.Relay, opts, net})
	}
	want := []eff{
		{10, 5000, 5000, 5000, Some[uint32](1000), Some[uint32](3000), false, 0.5, false, true,
			"198.51.100.1", false, true, true, "example.org.", "no-check-with-dhcid",
			[]string{"198.51.100.254"},
			[]string{"routers=198.51.100.2", "routers=198.51.100.1", "domain-name-servers=198.51.100.53"}, "net"},
		// Auto id 1: Kea 2.2 numbers subnets without id 1, 2, ... in parse
		// order, shared networks first.
		{1, 4000, 4000, 4000, Some[uint32](1000), Opt[uint32]{}, true, 0.4, true, false,
			"198.51.100.1", false, true, true, "example.org.", "no-check-with-dhcid",
			nil, []string{"domain-name-servers=198.51.100.53"}, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("effective parameters (-want +got):\n%s", diff)
	}
	if uc := c.AllSubnets[0].UserContext; uc == nil || uc.Get("comment").Str != "in the network" {
		t.Errorf("comment not turned into user-context: %+v", uc)
	}
	ids := map[string]bool{}
	for _, w := range warns {
		ids[w.ID] = true
	}
	for _, id := range []string{"DHCPSRV_CFGMGR_DDNS_PARAMETER_MOVED", "DHCPSRV_DEPRECATED_RESERVATION_MODE"} {
		if !ids[id] {
			t.Errorf("missing warning %s in %v", id, warns)
		}
	}
}

// TestNestorLimits: what Kea accepts but this build of Nestor cannot do is
// refused with a message that says so.
func TestNestorLimits(t *testing.T) {
	const keaLeaseCmds = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
	tests := []struct {
		name, doc string
		extra     bool
		want      string
	}{
		{"hook library Nestor lacks",
			`{"Dhcp4":{"hooks-libraries":[{"library":"` + keaLeaseCmds + `"}]}}`, false,
			"Error encountered: hooks libraries failed to validate - library or libraries in error are: " + keaLeaseCmds + " (mem.json:1:11)"},
		{"mysql lease database with -T",
			`{"Dhcp4":{"lease-database":{"type":"mysql","name":"kea"}}}`, true, ""},
		{"mysql config database with -T",
			`{"Dhcp4":{"config-control":{"config-databases":[{"type":"mysql","name":"kea"}]}}}`, true,
			"Error encountered: config database type mysql is not supported by Nestor yet (no mysql backend in this build) (mem.json:1:49)"},
		{"mysql lease database with -t",
			`{"Dhcp4":{"lease-database":{"type":"mysql","name":"kea"}}}`, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseDhcp4("mem.json", []byte(tc.doc), LoadOptions{Extra: tc.extra})
			got := ""
			if err != nil {
				got = FormatCheckError(err)
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			var ce *Error
			if tc.name == "hook library Nestor lacks" && err != nil {
				ce = err.(*Error)
				if len(ce.Notes) != 1 || ce.Notes[0] != "HOOKS_OPEN_ERROR failed to open hook library "+keaLeaseCmds+": "+keaLeaseCmds+": Nestor does not have the hook library libdhcp_lease_cmds.so yet" {
					if _, statErr := osStat(keaLeaseCmds); statErr == nil {
						t.Errorf("notes: %q", ce.Notes)
					}
				}
			}
		})
	}
}

var osStat = os.Stat
