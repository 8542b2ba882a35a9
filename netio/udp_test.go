package netio

import (
	"bytes"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// UDP sockets (dhcp-socket-type udp) receive relayed unicast with the
// arrival interface and destination address, do not see broadcasts, and
// answer same-as-inbound or through the routing table (use-routing).
func TestUDP4RelayedTraffic(t *testing.T) {
	p := testnet.NewPair(t, "nu")
	p.AddClientAddrs()
	p.Client.Run("ip", "addr", "add", testnet.RelayV4+"/24", "dev", p.ClientIface)
	p.Server.Run("ip", "route", "add", "203.0.113.0/24", "via", testnet.ClientV4)
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface}
	cfg.SocketType = SocketUDP
	s := openSet(t, p.Server, SetConfig{Family: V4, Ifaces: cfg})
	if len(s.Conns()) != 1 {
		t.Fatalf("%d sockets: %+v", len(s.Conns()), s.Status())
	}
	srv, ok := s.Conns()[0].(*UDPConn4)
	if !ok {
		t.Fatalf("socket is %T", s.Conns()[0])
	}
	relay := clientUDP(t, p.Client, "udp4", "0.0.0.0:67", p.ClientIface)

	// A broadcast first (from another socket: the relay's own would get it
	// back): UDP sockets must not see it.
	bcast := clientUDP(t, p.Client, "udp4", "0.0.0.0:68", p.ClientIface)
	if _, err := bcast.WriteToUDPAddrPort(dhcpPayload(9, 300), netip.MustParseAddrPort("255.255.255.255:67")); err != nil {
		t.Fatal(err)
	}
	payload := dhcpPayload(1, 300)
	if _, err := relay.WriteToUDPAddrPort(payload, netip.MustParseAddrPort("198.51.100.1:67")); err != nil {
		t.Fatal(err)
	}
	got := readOne(t, srv, 5*time.Second)
	if seqOf(got.Data) != 1 || got.Src.String() != "198.51.100.2:67" || got.Dst.String() != "198.51.100.1:67" ||
		got.IfIndex != srv.Spec().Iface.Index || got.IfName != p.ServerIface || !bytes.Equal(got.Data, payload) {
		t.Fatalf("got seq %d from %s to %s on %d/%s", seqOf(got.Data), got.Src, got.Dst, got.IfIndex, got.IfName)
	}

	recv := func(what string) netip.AddrPort {
		t.Helper()
		buf := make([]byte, 2048)
		relay.SetReadDeadline(time.Now().Add(5 * time.Second))
		// The test's own broadcast (seq 9) loops back to the relay's port-67
		// socket in the client namespace; skip it.
		for i := 0; i < 3; i++ {
			n, from, err := relay.ReadFromUDPAddrPort(buf)
			if err != nil {
				t.Fatalf("%s: relay: %v", what, err)
			}
			if seqOf(buf[:n]) == 2 {
				return netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
			}
		}
		t.Fatalf("%s: reply not received", what)
		return netip.AddrPort{}
	}
	// same-as-inbound: back out of the arrival interface from its address.
	reply := NewPacket()
	reply.SetPayload(copy(reply.Payload(), dhcpPayload(2, 300)))
	reply.Dst, reply.Src, reply.IfIndex, reply.Conn = got.Src, got.Dst, got.IfIndex, got.Conn
	if err := s.Send(reply); err != nil {
		t.Fatal(err)
	}
	if from := recv("same-as-inbound"); from.String() != "198.51.100.1:67" {
		t.Errorf("reply from %s", from)
	}
	// use-routing: no interface, no source; the route to 203.0.113.0/24
	// decides.
	reply.Dst, reply.Src, reply.IfIndex = netip.MustParseAddrPort(testnet.RelayV4+":67"), netip.AddrPort{}, 0
	if err := s.Send(reply); err != nil {
		t.Fatal(err)
	}
	if from := recv("use-routing"); from.String() != "198.51.100.1:67" {
		t.Errorf("routed reply from %s", from)
	}
	expectNothing(t, srv, 200*time.Millisecond)
}

// DHCPv6: a client multicasts to ff02::1:2 from its link-local address; the
// server sees the multicast destination and the arrival interface, and
// answers to the link-local sender from its own link-local socket. A
// unicast to the configured global address arrives on the unicast socket.
func TestUDP6MulticastAndReply(t *testing.T) {
	p := testnet.NewPair(t, "n6")
	p.AddClientAddrs()
	waitDAD(t, p.Server, p.ServerIface)
	waitDAD(t, p.Client, p.ClientIface)
	srvIf := ifaceIn(t, p.Server, p.ServerIface)
	cliIf := ifaceIn(t, p.Client, p.ClientIface)
	if len(srvIf.LinkLocal6()) == 0 || len(cliIf.LinkLocal6()) == 0 {
		t.Fatal("no link-local addresses")
	}
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface, p.ServerIface + "/" + testnet.ServerV6}
	var mu sync.Mutex
	var got []Packet
	var payloads [][]byte
	d := NewDispatcher(DispatchConfig{Workers: 1, QueueSize: 16}, nil, func(pk *Packet) {
		mu.Lock()
		got = append(got, *pk)
		payloads = append(payloads, append([]byte(nil), pk.Data...))
		mu.Unlock()
	})
	defer d.Close()
	s := openSet(t, p.Server, SetConfig{Family: V6, Ifaces: cfg, Dispatcher: d})
	if n := len(s.Conns()); n != 3 || s.Status().Status != "ready" {
		t.Fatalf("%d sockets, %+v", n, s.Status())
	}
	cli := clientUDP(t, p.Client, "udp6", "[::]:546", p.ClientIface)
	wait := func(n int) {
		t.Helper()
		for i := 0; i < 500; i++ {
			mu.Lock()
			l := len(got)
			mu.Unlock()
			if l >= n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("server did not receive packet %d", n)
	}
	zone := cliIf.Index
	mcast := &net.UDPAddr{IP: net.ParseIP("ff02::1:2"), Port: 547, Zone: itoaZone(zone)}
	if _, err := cli.WriteToUDP(dhcpPayload(1, 100), mcast); err != nil {
		t.Fatal(err)
	}
	wait(1)
	mu.Lock()
	q := got[0]
	mu.Unlock()
	cliLL := cliIf.LinkLocal6()[0]
	if q.Dst.String() != "[ff02::1:2]:547" || q.Src != netip.AddrPortFrom(cliLL, 546) || q.IfIndex != srvIf.Index || q.IfName != p.ServerIface {
		t.Fatalf("multicast query: from %s to %s on %d/%s", q.Src, q.Dst, q.IfIndex, q.IfName)
	}
	if !q.Conn.Spec().Addr.IsMulticast() {
		t.Errorf("multicast arrived on %s", q.Conn.Spec())
	}
	reply := NewPacket()
	reply.SetPayload(copy(reply.Payload(), dhcpPayload(2, 100)))
	reply.Dst, reply.IfIndex, reply.Conn = q.Src, q.IfIndex, q.Conn
	if err := s.Send(reply); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2048)
	cli.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, from, err := cli.ReadFromUDPAddrPort(buf)
	if err != nil || seqOf(buf[:n]) != 2 {
		t.Fatalf("client: %d bytes, %v", n, err)
	}
	if from.Addr().WithZone("") != srvIf.LinkLocal6()[0] || from.Port() != 547 {
		t.Errorf("reply from %s, want the server's link-local %s port 547", from, srvIf.LinkLocal6()[0])
	}

	// Unicast to the global address (a client told "unicast" by option 12).
	if _, err := cli.WriteToUDPAddrPort(dhcpPayload(3, 100), netip.MustParseAddrPort("["+testnet.ServerV6+"]:547")); err != nil {
		t.Fatal(err)
	}
	wait(2)
	mu.Lock()
	u := got[1]
	mu.Unlock()
	if u.Dst.String() != "[2001:db8:1::1]:547" || u.Conn.Spec().Addr.String() != testnet.ServerV6 || u.Src.Addr() != netip.MustParseAddr(testnet.ClientV6) {
		t.Errorf("unicast: from %s to %s on %s", u.Src, u.Dst, u.Conn.Spec())
	}
	if st := d.Stats(); st.Received != 2 || st.Processed != 2 {
		t.Errorf("dispatcher %+v", st)
	}
}

func itoaZone(i int) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(i)).String()[len("0.0.0.0:"):]
}
