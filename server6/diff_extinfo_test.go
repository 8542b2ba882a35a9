package server6

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// extInfoConfig6 stores extended info in subnet 1 only.
const extInfoConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405060708", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "store-extended-info": true,
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}]},
   {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "relay-if2",
    "pools": [{"pool": "2001:db8:2::100-2001:db8:2::1ff"}]}]}}`

// newRelayIDs matches the relay-id and remote-id entries Kea 2.6 adds to
// each relay, which Kea 2.2 does not write.
var newRelayIDs = regexp.MustCompile(`&#x2c "re(lay|mote)-id": "[0-9A-F]*"`)

// TestDifferentialExtendedInfoKea22 compares store-extended-info with
// kea-dhcp6 2.2: the user context of leases given through one and two
// relays, with and without relay options, renewed, and in a subnet
// without it. Kea 2.2 writes the pre-2.3.2 form ("relays", no relay-id
// or remote-id); Nestor writes Kea 2.6's ARM form ("relay-info" with
// them), which the comparison turns back into the old one, after
// checking it.
func TestDifferentialExtendedInfoKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	kea := startDiffServer6With(t, extInfoConfig6, "kea-dhcp6", "s6xk", func(c string) []string { return []string{"kea-dhcp6", "-c", c} })
	nes := startDiffServer6With(t, extInfoConfig6, "nestor", "s6xn", func(c string) []string { return []string{bin, "dhcp6", "-c", c} })
	remoteID := dhcp6.Option{Code: dhcp6.OptRemoteID, Data: []byte{0, 0, 0x11, 0x8b, 1, 2, 3, 4, 5, 6}}
	relayID := dhcp6.Option{Code: dhcp6.OptRelayID, Data: []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, 0x64}}
	script := []step6{
		{"request, one relay without options", func(map[string]*dhcp6.Packet) query6 {
			return query6{t: dhcp6.MsgRequest, client: 0xd1, server: true, ias: []ia6{na(1)}}
		}},
		{"request, relay options", func(map[string]*dhcp6.Packet) query6 {
			return query6{t: dhcp6.MsgRequest, client: 0xd2, server: true, relayOpts: []dhcp6.Option{remoteID, relayID}, ias: []ia6{na(1), pd(2)}}
		}},
		{"request, two relays", func(map[string]*dhcp6.Packet) query6 {
			return query6{t: dhcp6.MsgRequest, client: 0xd3, server: true, outer: true, ifID: "inner", relayOpts: []dhcp6.Option{remoteID}, ias: []ia6{na(1)}}
		}},
		{"renew with other relay options", func(p map[string]*dhcp6.Packet) query6 {
			return query6{t: dhcp6.MsgRenew, client: 0xd1, server: true, relayOpts: []dhcp6.Option{relayID}, ias: []ia6{na(1, leased(p["request, one relay without options"], false, 1)...)}}
		}},
		{"request, subnet without extended info", func(map[string]*dhcp6.Packet) query6 {
			return query6{t: dhcp6.MsgRequest, client: 0xd4, server: true, ifID: "relay-if2", ias: []ia6{na(1)}}
		}},
	}
	runDiffScript6(t, kea, nes, script)
	kr, nr := leaseFileRows(t, kea), leaseFileRows(t, nes)
	joined := strings.Join(nr, "\n")
	for _, want := range []string{`"relay-info": [ {`, `"relay-id": "00030001020000000064"`, `"remote-id": "0000118B010203040506"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("nestor's lease file lacks %s:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, `"relays"`) {
		t.Errorf("nestor's lease file has the old relays entry:\n%s", joined)
	}
	for i := range nr {
		nr[i] = newRelayIDs.ReplaceAllString(strings.ReplaceAll(nr[i], `"relay-info"`, `"relays"`), "")
	}
	t.Logf("nestor lease file:\n%s", joined)
	if strings.Join(kr, "\n") != strings.Join(nr, "\n") {
		t.Errorf("leases6.csv, relay-info as relays:\nkea-dhcp6 2.2:\n%s\nnestor:\n%s", strings.Join(kr, "\n"), strings.Join(nr, "\n"))
	}
}
