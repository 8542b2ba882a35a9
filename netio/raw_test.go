package netio

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/internal/testnet"
)

func rawServer(t *testing.T, p *testnet.Pair) *RawConn4 {
	t.Helper()
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface}
	s := openSet(t, p.Server, SetConfig{Family: V4, Ifaces: cfg})
	if st := s.Status(); st.Status != "ready" || len(s.Conns()) != 1 {
		t.Fatalf("sockets: %+v, %d open", st, len(s.Conns()))
	}
	c, ok := s.Conns()[0].(*RawConn4)
	if !ok {
		t.Fatalf("socket is %T, want raw", s.Conns()[0])
	}
	return c
}

// A client with no address broadcasts from 0.0.0.0:68; the raw socket sees
// the frame with its MACs, addresses, ports and interface.
func TestRawReceivesBroadcastFromUnaddressedClient(t *testing.T) {
	p := testnet.NewPair(t, "nr")
	srv := rawServer(t, p)
	cliIf := ifaceIn(t, p.Client, p.ClientIface)
	cli := clientUDP(t, p.Client, "udp4", "0.0.0.0:68", p.ClientIface)

	payload := dhcpPayload(1, 300)
	if _, err := cli.WriteToUDP(payload, &net.UDPAddr{IP: net.IPv4bcast, Port: 67}); err != nil {
		t.Fatal(err)
	}
	got := readOne(t, srv, 5*time.Second)
	type meta struct {
		Src, Dst       string
		SrcMAC, DstMAC MAC
		IfIndex        int
		IfName         string
	}
	want := meta{"0.0.0.0:68", "255.255.255.255:67", cliIf.MAC, BroadcastMAC, srv.Spec().Iface.Index, p.ServerIface}
	if d := cmp.Diff(want, meta{got.Src.String(), got.Dst.String(), got.SrcMAC, got.DstMAC, got.IfIndex, got.IfName}); d != "" {
		t.Errorf("metadata (-want +got):\n%s", d)
	}
	if !bytes.Equal(got.Data, payload) {
		t.Errorf("payload differs: got %d bytes", len(got.Data))
	}
	if got.Conn != srv {
		t.Error("Conn not set to the receiving socket")
	}
}

// The server answers a client that has no address: a broadcast to
// ff:ff:ff:ff:ff:ff, then a layer-2 unicast to the client's MAC and an
// address the server has no ARP entry for, then a unicast with no MAC
// given, which goes through the kernel (ARP). The client's kernel UDP
// socket receiving them proves the IPv4 and UDP checksums right.
func TestRawSendsBroadcastAndL2Unicast(t *testing.T) {
	p := testnet.NewPair(t, "ns")
	srv := rawServer(t, p)
	cliIf := ifaceIn(t, p.Client, p.ClientIface)
	cli := clientUDP(t, p.Client, "udp4", "0.0.0.0:68", p.ClientIface)

	recv := func(what string) ([]byte, netip.AddrPort) {
		t.Helper()
		buf := make([]byte, 2048)
		cli.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, from, err := cli.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatalf("%s: client did not receive: %v", what, err)
		}
		return buf[:n], netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	}
	send := func(dst string, mac MAC, seq int) []byte {
		t.Helper()
		pk := NewPacket()
		payload := dhcpPayload(seq, 300)
		copy(pk.Payload(), payload)
		pk.SetPayload(len(payload))
		pk.Dst = netip.MustParseAddrPort(dst)
		pk.DstMAC = mac
		pk.Src = netip.MustParseAddrPort("255.255.255.255:67") // as received: answer from the socket address
		if err := srv.Send(pk); err != nil {
			t.Fatalf("send to %s: %v", dst, err)
		}
		return payload
	}

	want := send("255.255.255.255:68", MAC{}, 1)
	got, from := recv("broadcast")
	if !bytes.Equal(got, want) || from.String() != "198.51.100.1:67" {
		t.Errorf("broadcast: from %s, %d bytes, seq %d", from, len(got), seqOf(got))
	}

	p.Client.Run("ip", "addr", "add", "198.51.100.77/24", "dev", p.ClientIface)
	want = send("198.51.100.77:68", cliIf.MAC, 2)
	got, from = recv("L2 unicast")
	if !bytes.Equal(got, want) || from.String() != "198.51.100.1:67" {
		t.Errorf("L2 unicast: from %s, seq %d", from, seqOf(got))
	}
	if neigh := p.Server.Run("ip", "neigh", "show", "198.51.100.77"); bytes.Contains([]byte(neigh), []byte("lladdr")) {
		t.Errorf("server resolved the client's MAC with ARP (%s); the raw send must not need it", neigh)
	}

	want = send("198.51.100.77:68", MAC{}, 3)
	got, from = recv("kernel unicast")
	if !bytes.Equal(got, want) || from.String() != "198.51.100.1:67" {
		t.Errorf("kernel unicast: from %s, seq %d", from, seqOf(got))
	}
	if st := srv.Stats(); st.Sent != 3 || st.SendErrors != 0 {
		t.Errorf("stats %+v", st)
	}
	// The send path allocates nothing per packet.
	pk := NewPacket()
	pk.SetPayload(copy(pk.Payload(), dhcpPayload(4, 300)))
	pk.Dst, pk.DstMAC = netip.MustParseAddrPort("198.51.100.77:68"), cliIf.MAC
	if a := testing.AllocsPerRun(50, func() { srv.Send(pk) }); a != 0 {
		t.Errorf("raw send: %v allocations per packet", a)
	}
}

// The kernel filter lets through only UDP to port 67 for the socket's
// address or broadcast; fragments are dropped (the first one in user space).
func TestRawFilterRejectsOtherTraffic(t *testing.T) {
	p := testnet.NewPair(t, "nf")
	p.AddClientAddrs()
	p.Server.Run("ip", "addr", "add", "198.51.100.3/24", "dev", p.ServerIface)
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface + "/198.51.100.1"}
	s := openSet(t, p.Server, SetConfig{Family: V4, Ifaces: cfg})
	if len(s.Conns()) != 1 {
		t.Fatalf("%d sockets", len(s.Conns()))
	}
	srv := s.Conns()[0]
	cli := clientUDP(t, p.Client, "udp4", testnet.ClientV4+":68", "")
	to := func(addr string, n, seq int) {
		t.Helper()
		if _, err := cli.WriteToUDPAddrPort(dhcpPayload(seq, n), netip.MustParseAddrPort(addr)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		to("198.51.100.1:1067", 300, 100+i) // other port
		to("198.51.100.3:67", 300, 200+i)   // other address on the interface
		to("198.51.100.1:68", 300, 300+i)   // client port
	}
	to("198.51.100.1:67", 3000, 400) // fragmented
	to("198.51.100.1:67", 300, 1)    // the one that must arrive
	got := readOne(t, srv, 5*time.Second)
	if seqOf(got.Data) != 1 || got.Dst.String() != "198.51.100.1:67" {
		t.Fatalf("first packet through the filter: seq %d to %s", seqOf(got.Data), got.Dst)
	}
	expectNothing(t, srv, 300*time.Millisecond)
	if st := srv.Stats(); st.Malformed != 1 {
		t.Errorf("malformed %d, want 1 (the first fragment)", st.Malformed)
	}
}

// A second server cannot open the same raw socket: the fallback UDP socket
// holds the port, as in Kea.
func TestRawFallbackHoldsPort(t *testing.T) {
	p := testnet.NewPair(t, "nh")
	rawServer(t, p)
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface}
	s := openSet(t, p.Server, SetConfig{Family: V4, Ifaces: cfg})
	st := s.Status()
	if st.Status != "failed" || len(st.Errors) != 1 || !bytes.Contains([]byte(st.Errors[0]), []byte("is another DHCP server running?")) {
		t.Errorf("second server: %+v", st)
	}
	cfg.RequireAll = true
	err := inNS(p.Server.Name, func() error { _, err := Open(SetConfig{Family: V4, Ifaces: cfg}); return err })
	if err == nil {
		t.Error("require-all: second server opened")
	}
}
