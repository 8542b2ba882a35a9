package server4_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// earlyConfig has a global reservation giving a client the class "gold",
// which only one subnet of the shared network admits: with
// early-global-reservations-lookup the class is known at subnet selection,
// and "not-gold", true at the first classification pass, is evaluated
// again once the reserved class is added (Kea's
// removeDependentEvaluatedClasses) and no longer holds.
const earlyConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000,
  "early-global-reservations-lookup": EARLY,
  "reservations-global": true, "reservations-in-subnet": true,
  "client-classes": [{"name": "gold"},
      {"name": "gold-member", "test": "member('gold')",
       "option-data": [{"name": "log-servers", "data": "198.51.100.7", "always-send": true}]},
      {"name": "not-gold", "test": "not member('gold')",
       "option-data": [{"name": "impress-servers", "data": "198.51.100.8", "always-send": true}]}],
  "reservations": [{"hw-address": "02:00:00:00:cc:70", "client-classes": ["gold"], "hostname": "golden"}],
  "shared-networks": [{"name": "net", "relay": {"ip-addresses": ["198.51.100.2"]},
      "subnet4": [
        {"id": 10, "subnet": "203.0.113.0/24", "client-class": "gold",
         "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}]},
        {"id": 20, "subnet": "198.51.100.0/24",
         "pools": [{"pool": "198.51.100.100 - 198.51.100.110"}]}]}]
}}`

var earlyScript = []step{
	{"discover reserved gold client", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x70, 0x2000, prl)
	}},
	{"request reserved gold client", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPREQUEST, 0x70, 0x2001, prl, opt(54, 198, 51, 100, 1))
		if o := p["discover reserved gold client"]; o != nil {
			q.Set(50, o.YIAddr[:])
		}
		return q
	}},
	{"discover other client", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x71, 0x2010, prl)
	}},
}

// TestDifferentialKea22EarlyGlobal compares early-global-reservations-lookup
// on and off with Kea 2.2.
func TestDifferentialKea22EarlyGlobal(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	bin := nestorBinary(t)
	for _, early := range []string{"true", "false"} {
		t.Run("early="+early, func(t *testing.T) {
			cfg := strings.Replace(earlyConfig, "EARLY", early, 1)
			kea := startServerWith(t, "kea-dhcp4", "s4e"+early[:1]+"k", cfg, func(c string) []string { return []string{"kea-dhcp4", "-c", c} })
			nes := startServerWith(t, "nestor", "s4e"+early[:1]+"n", cfg, func(c string) []string { return []string{bin, "dhcp4", "-c", c} })
			kprev, nprev := map[string]*dhcp4.Packet{}, map[string]*dhcp4.Packet{}
			for _, s := range earlyScript {
				kb, kr := kea.askRaw(t, s.q(kprev))
				nb, nr := nes.askRaw(t, s.q(nprev))
				kprev[s.name], nprev[s.name] = kr, nr
				if kd, nd := describe(kr), describe(nr); kd != nd {
					t.Errorf("%s:\nkea-dhcp4 2.2: %s\nnestor:        %s", s.name, kd, nd)
				} else if !bytes.Equal(kb, nb) {
					t.Errorf("%s: same fields, different bytes:\nkea %x\nnes %x", s.name, kb, nb)
				} else if kr == nil {
					t.Logf("%s: no reply from either", s.name)
				}
			}
			// The scenario must show the difference: only the early lookup
			// lets the gold client into the gold subnet.
			off := kprev["discover reserved gold client"]
			inGold := off != nil && off.YIAddr[0] == 203
			if inGold != (early == "true") {
				t.Errorf("Kea 2.2 offered %s with early lookup %s", describe(off), early)
			}
		})
	}
}
