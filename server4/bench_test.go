package server4

import (
	"net/netip"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/netio"
)

// benchServer is a server whose replies are discarded.
func benchServer(b *testing.B) *testServer {
	// Kea logs every lease at INFO; the benchmark measures the packet
	// path, not the log output.
	klog.Default.Configure([]klog.LoggerConfig{{Name: "kea", Severity: "WARN", OutputOptions: []klog.OutputOption{klog.NewOutputOption("stderr")}}})
	b.Cleanup(func() { klog.Default.Configure(nil) })
	ts := newTestServer(&testing.T{}, testConfig)
	ts.Server.sender = func(*netio.Packet) error { return nil }
	b.Cleanup(func() { ts.Close() })
	return ts
}

func benchPacket(b *testing.B, q *dhcp4.Packet) *netio.Packet {
	wire, err := q.Encode()
	if err != nil {
		b.Fatal(err)
	}
	np := netio.NewPacket()
	n := copy(np.Payload(), wire)
	np.SetPayload(n)
	np.Src = relay
	np.Dst = netip.MustParseAddrPort("198.51.100.1:67")
	return np
}

// BenchmarkDiscover is the OFFER path: classification, subnet selection,
// host lookup, a fake allocation, option assembly and encoding.
func BenchmarkDiscover(b *testing.B) {
	ts := benchServer(b)
	np := benchPacket(b, query(dhcp4.DHCPDISCOVER, 1, dhcp4.Option{Code: 55, Data: []byte{1, 3, 6, 15, 42}}))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ts.Handle(np)
	}
}

// BenchmarkRenew is a REQUEST renewing an existing lease (a lease file
// row per packet).
func BenchmarkRenew(b *testing.B) {
	ts := benchServer(b)
	ts.Handle(benchPacket(b, query(dhcp4.DHCPREQUEST, 1, dhcp4.Option{Code: 50, Data: ip("198.51.100.100")}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")})))
	q := query(dhcp4.DHCPREQUEST, 1, dhcp4.Option{Code: 55, Data: []byte{1, 3, 6, 15, 42}})
	q.CIAddr = dhcp4.IPv4{198, 51, 100, 100}
	np := benchPacket(b, q)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ts.Handle(np)
	}
}
