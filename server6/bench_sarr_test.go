package server6

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/netio"
)

// BenchmarkSARRNew follows bench/run.sh's v6na scenario without sockets:
// one op is a SOLICIT and a REQUEST of a new client (IA_NA), with the
// lease file written. It counts the Go side's instructions and
// allocations, not the kernel's:
//
//	go test -run '^$' -bench SARR -benchtime 20000x -benchmem ./server6
func BenchmarkSARRNew(b *testing.B) {
	klog.Default.Configure([]klog.LoggerConfig{{Name: "kea", Severity: "WARN", OutputOptions: []klog.OutputOption{klog.NewOutputOption("stderr")}}})
	b.Cleanup(func() { klog.Default.Configure(nil) })
	cfg := strings.ReplaceAll(`{"Dhcp6": {
  "lease-database": {"type": "memfile", "persist": true, "name": "LEASES", "lfc-interval": 0},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/48", "interface": "lo",
    "pools": [{"pool": "2001:db8:1:1::/64"}],
    "option-data": [{"name": "dns-servers", "data": "2001:db8:1::1"}]}]
}}`, "LEASES", filepath.Join(b.TempDir(), "leases6.csv"))
	h := newHarnessWith(&testing.T{}, cfg)
	var reply dhcp6.Packet
	ok := false
	h.s.sender = func(p *netio.Packet) error {
		ok = reply.Decode(p.Data) == nil
		return nil
	}
	// the client's DUID ends in a 4-byte counter patched per exchange; the
	// REQUEST's address is patched with the ADVERTISE's
	id := []byte{0, 3, 0, 1, 0xaa, 0xbb, 0xfe, 0xfe, 0xfe, 0xfe}
	placeholder := netip.MustParseAddr("2001:db8:1:1:ffff:ffff:ffff:ffff")
	sol := h.packet(dhcp6.MsgSolicit, client{duid: id, na: []uint32{1}, oro: []dhcp6.OptionCode{dhcp6.OptNameServers}})
	req := h.packet(dhcp6.MsgRequest, client{duid: id, sid: true, na: []uint32{1}, addrs: []netip.Addr{placeholder}, oro: []dhcp6.OptionCode{dhcp6.OptNameServers}})
	duidAt := func(p *netio.Packet) int { return bytes.Index(p.Data, id) + 6 }
	ph := placeholder.As16()
	solID, reqID, reqAddr := duidAt(sol), duidAt(req), bytes.Index(req.Data, ph[:])
	if solID < 6 || reqID < 6 || reqAddr < 0 {
		b.Fatal("cannot find the fields to patch")
	}
	put := func(d []byte, n uint32) { d[0], d[1], d[2], d[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n) }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		put(sol.Data[solID:], uint32(i))
		ok = false
		h.s.Handle(sol)
		if !ok || reply.MsgType != dhcp6.MsgAdvertise {
			b.Fatalf("exchange %d: no ADVERTISE", i)
		}
		a, found := firstIAAddr(&reply)
		if !found {
			b.Fatalf("exchange %d: no address advertised", i)
		}
		a16 := a.As16()
		copy(req.Data[reqAddr:], a16[:])
		put(req.Data[reqID:], uint32(i))
		ok = false
		h.s.Handle(req)
		if !ok || reply.MsgType != dhcp6.MsgReply {
			b.Fatalf("exchange %d: no REPLY", i)
		}
	}
}

// firstIAAddr returns the address of the first IAADDR of the first IA_NA.
func firstIAAddr(p *dhcp6.Packet) (netip.Addr, bool) {
	i := p.Options.Next(dhcp6.OptIANA, 0)
	if i < 0 {
		return netip.Addr{}, false
	}
	ia, err := dhcp6.ParseIA(p.Options[i].Data)
	if err != nil {
		return netip.Addr{}, false
	}
	it := ia.Options.Iter()
	for it.Next() {
		if o := it.Option(); o.Code == dhcp6.OptIAAddr && len(o.Data) >= 16 {
			return netip.AddrFrom16([16]byte(o.Data[:16])), true
		}
	}
	return netip.Addr{}, false
}
