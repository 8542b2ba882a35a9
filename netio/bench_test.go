package netio

import (
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// Receive + dispatch throughput over a veth pair: a sender in the client
// namespace pushes 300-byte datagrams with sendmmsg (kept at most a window
// ahead of the server so the kernel does not drop), the server receives
// them with recvmmsg and hands them to a worker pool whose handler does
// nothing. One op is one packet handled; allocs/op counts both sides.

func BenchmarkRecvDispatchRaw4(b *testing.B) { benchRecv(b, V4, SocketRaw) }
func BenchmarkRecvDispatchUDP4(b *testing.B) { benchRecv(b, V4, SocketUDP) }
func BenchmarkRecvDispatchUDP6(b *testing.B) { benchRecv(b, V6, SocketUDP) }

func benchRecv(b *testing.B, fam Family, st SocketType) {
	p := testnet.NewPair(b, "bn")
	p.AddClientAddrs()
	waitDAD(b, p.Server, p.ServerIface)
	waitDAD(b, p.Client, p.ClientIface)
	d := NewDispatcher(DispatchConfig{Workers: 2, QueueSize: 4096}, nil, func(*Packet) {})
	defer d.Close()
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface}
	cfg.SocketType = st
	s := openSet(b, p.Server, SetConfig{Family: fam, Ifaces: cfg, Dispatcher: d, Options: Options{RecvBuffer: 8 << 20}})
	if s.Status().Status != "ready" {
		b.Fatalf("sockets: %+v", s.Status())
	}
	cliIf := ifaceIn(b, p.Client, p.ClientIface)

	var sender Conn
	var dst netip.AddrPort
	mustNS(b, p.Client, func() error {
		var err error
		if fam == V4 {
			sender, err = OpenUDP4(SocketSpec{Kind: KindUDP4, Iface: cliIf, Addr: netip.MustParseAddr(testnet.ClientV4), Port: 68}, Options{}, false)
			dst = netip.MustParseAddrPort("198.51.100.1:67")
		} else {
			sender, err = OpenUDP6(SocketSpec{Kind: KindUDP6, Iface: cliIf, Addr: cliIf.LinkLocal6()[0], Port: 546}, Options{})
			dst = netip.AddrPortFrom(AllDHCPRelayAgentsAndServers, 547)
		}
		return err
	})
	defer sender.Close()
	pkts := make([]*Packet, batchSize)
	for i := range pkts {
		pk := NewPacket()
		pk.SetPayload(copy(pk.Payload(), dhcpPayload(i, 300)))
		pk.Dst, pk.IfIndex = dst, cliIf.Index
		pkts[i] = pk
	}
	const window = 1024
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		sent := uint64(0)
		for !stop.Load() {
			if sent-d.processed.Load() > window {
				time.Sleep(20 * time.Microsecond)
				continue
			}
			n, err := sender.WriteBatch(pkts)
			if err != nil {
				return
			}
			sent += uint64(n)
		}
	}()
	// Warm up pools and caches.
	base := d.processed.Load()
	for i := 0; i < 2000 && d.processed.Load() < base+2*batchSize; i++ {
		time.Sleep(time.Millisecond)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	target := d.processed.Load() + uint64(b.N)
	deadline := start.Add(60 * time.Second)
	for d.processed.Load() < target && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	stop.Store(true)
	<-done
	if d.processed.Load() < target {
		b.Fatalf("only %d of %d packets in 60 s", d.processed.Load()-(target-uint64(b.N)), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pkts/s")
	if st := d.Stats(); st.Dropped != 0 {
		b.Logf("queue dropped %d", st.Dropped)
	}
}
