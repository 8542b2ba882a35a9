package server6

import (
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// earlyConfig6 has a global reservation giving a client the class "gold",
// which only one subnet of the shared network admits: with
// early-global-reservations-lookup the class is known at subnet selection,
// and "not-gold", true at the first classification pass, is evaluated
// again once the reserved class is added (Kea's
// removeDependentEvaluatedClasses) and no longer holds. A second global
// reservation puts its client in DROP.
const earlyConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405060708", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "early-global-reservations-lookup": EARLY,
  "reservations-global": true, "reservations-in-subnet": true,
  "client-classes": [{"name": "gold"}, {"name": "dropped"},
      {"name": "gold-member", "test": "member('gold')",
       "option-data": [{"name": "nis-servers", "data": "2001:db8:1::7", "always-send": true}]},
      {"name": "not-gold", "test": "not member('gold')",
       "option-data": [{"name": "nisp-servers", "data": "2001:db8:1::8", "always-send": true}]},
      {"name": "known-gold", "test": "member('KNOWN') and member('gold')",
       "option-data": [{"name": "sntp-servers", "data": "2001:db8:1::9", "always-send": true}]},
      {"name": "DROP", "test": "member('dropped')"}],
  "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:70", "client-classes": ["gold"], "hostname": "golden"},
      {"duid": "00:03:00:01:02:00:00:00:00:72", "client-classes": ["dropped"]}],
  "shared-networks": [{"name": "net", "interface-id": "relay-net",
      "subnet6": [
        {"id": 10, "subnet": "2001:db8:10::/64", "client-class": "gold",
         "pools": [{"pool": "2001:db8:10::100-2001:db8:10::1ff"}]},
        {"id": 20, "subnet": "2001:db8:20::/64",
         "pools": [{"pool": "2001:db8:20::100-2001:db8:20::1ff"}]}]}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}]}}`

var earlyScript6 = []step6{
	{"solicit reserved gold client", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 0x70, ifID: "relay-net", ias: []ia6{na(1)}}
	}},
	{"request reserved gold client", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 0x70, ifID: "relay-net", server: true,
			ias: []ia6{na(1, leased(p["solicit reserved gold client"], false, 1)...)}}
	}},
	{"information-request reserved gold client", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgInformationRequest, client: 0x70, ifID: "relay-net"}
	}},
	{"solicit other client", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 0x71, ifID: "relay-net", ias: []ia6{na(1)}}
	}},
	{"solicit client reserved into DROP", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 0x72, ifID: "relay-net", ias: []ia6{na(1)}}
	}},
}

// TestDifferentialKea22EarlyGlobal6 compares
// early-global-reservations-lookup on and off with kea-dhcp6 2.2.
func TestDifferentialKea22EarlyGlobal6(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	for _, early := range []string{"true", "false"} {
		t.Run("early="+early, func(t *testing.T) {
			cfg := strings.Replace(earlyConfig6, "EARLY", early, 1)
			kea := startDiffServer6With(t, cfg, "kea-dhcp6", "s6e"+early[:1]+"k", func(c string) []string { return []string{"kea-dhcp6", "-c", c} })
			nes := startDiffServer6With(t, cfg, "nestor", "s6e"+early[:1]+"n", func(c string) []string { return []string{bin, "dhcp6", "-c", c} })
			kprev, nprev := map[string]*dhcp6.Packet{}, map[string]*dhcp6.Packet{}
			for i, s := range earlyScript6 {
				xid := uint32(0x500 + i)
				kq, nq := s.q(kprev), s.q(nprev)
				kq.xid, nq.xid = xid, xid
				kr, nr := kea.ask(t, kq.encode(t), xid), nes.ask(t, nq.encode(t), xid)
				kprev[s.name], nprev[s.name] = kr, nr
				kd, nd := describe6(kr), describe6(nr)
				if testing.Verbose() {
					t.Logf("%s:\n%s", s.name, kd)
				}
				if kd != nd {
					t.Errorf("%s:\nkea-dhcp6 2.2: %s\nnestor:        %s", s.name, kd, nd)
				} else if kr != nil && nr != nil && string(kr.Raw) != string(nr.Raw) {
					t.Errorf("%s: same fields, different bytes:\nkea %x\nnes %x", s.name, kr.Raw, nr.Raw)
				}
			}
			// The scenario must show the difference: only the early
			// lookup lets the gold client into the gold subnet. The
			// client reserved into DROP is dropped either way (after
			// the early lookup, or at the second classification).
			adv := leased(kprev["solicit reserved gold client"], false, 1)
			inGold := len(adv) == 1 && strings.HasPrefix(adv[0].Addr().String(), "2001:db8:10:")
			if inGold != (early == "true") {
				t.Errorf("Kea 2.2 advertised %v with early lookup %s", adv, early)
			}
			if kprev["solicit client reserved into DROP"] != nil {
				t.Errorf("Kea 2.2 answered the client reserved into DROP with early lookup %s", early)
			}
			compareLeaseFiles(t, kea, nes)
		})
	}
}
