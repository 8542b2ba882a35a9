package server4

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/nestordhcp/nestor/internal/dhcp4o6"
)

const config4o6 = `{"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "name": "LEASES"},
  "subnet4": [
    {"id": 1, "subnet": "198.51.100.0/26", "4o6-interface-id": "port-7", "client-class": "nobody"},
    {"id": 2, "subnet": "198.51.100.64/26", "4o6-subnet": "2001:db8:5::/64"},
    {"id": 3, "subnet": "198.51.100.128/26", "4o6-interface": "eth9"},
    {"id": 4, "subnet": "203.0.113.0/24"}]}}`

// relayForw wraps a DHCPV4-QUERY in a RELAY-FORW carrying interface-id.
func relayForw(ifaceID string) []byte {
	inner := []byte{20, 0, 0, 1}
	b := make([]byte, 34)
	b[0] = 12
	b = binary.BigEndian.AppendUint16(b, 18)
	b = binary.BigEndian.AppendUint16(b, uint16(len(ifaceID)))
	b = append(b, ifaceID...)
	b = binary.BigEndian.AppendUint16(b, 9)
	b = binary.BigEndian.AppendUint16(b, uint16(len(inner)))
	return append(b, inner...)
}

// TestSelectSubnet4o6: Kea's per-subnet order of 4o6-subnet,
// 4o6-interface-id (the relay's interface-id) and 4o6-interface; client
// classes are not looked at, and subnets without a 4o6 selector never match.
func TestSelectSubnet4o6(t *testing.T) {
	ts := newTestServer(t, config4o6)
	for _, c := range []struct {
		name  string
		msg   []byte
		iface string
		src   string
		want  uint32
	}{
		{"interface-id first in subnet order", relayForw("port-7"), "eth9", "2001:db8:5::1", 1},
		{"4o6-subnet", []byte{20, 0, 0, 1}, "eth9", "2001:db8:5::1", 2},
		{"4o6-interface", []byte{20, 0, 0, 1}, "eth9", "2001:db8:6::1", 3},
		{"other interface-id", relayForw("port-8"), "eth1", "2001:db8:6::1", 0},
		{"nothing matches", []byte{20, 0, 0, 1}, "eth1", "2001:db8:6::1", 0},
	} {
		w := ts.getWorker()
		w.reset()
		w.snap = ts.snap.Load()
		w.o6 = &query4o6{info: dhcp4o6.Info{Iface: c.iface, Addr: netip.MustParseAddr(c.src), Port: 546}}
		if err := w.o6.pkt6.Decode(c.msg); err != nil {
			t.Fatal(err)
		}
		var got uint32
		if sn := w.selectSubnetQuiet(); sn != nil {
			got = sn.id
		}
		if got != c.want {
			t.Errorf("%s: subnet %d, want %d", c.name, got, c.want)
		}
		w.o6 = nil
		ts.putWorker(w)
	}
}
