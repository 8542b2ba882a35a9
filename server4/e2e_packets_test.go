package server4_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// clientConn opens a UDP socket on port 68 inside the client namespace,
// bound to the client interface with broadcast allowed, as a DHCP client
// would. The socket is made on a thread that switched namespace (and dies
// with its goroutine); it works from any goroutine afterwards.
func clientConn(t *testing.T, e *e2e) *net.UDPConn {
	t.Helper()
	type res struct {
		c   *net.UDPConn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread leaves the namespace by dying
		f, err := os.Open(filepath.Join("/var/run/netns", e.p.Client.Name))
		if err != nil {
			ch <- res{err: err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- res{err: err}
			return
		}
		lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) {
				if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1); serr == nil {
					serr = unix.BindToDevice(int(fd), e.p.ClientIface)
				}
			})
			return serr
		}}
		pc, err := lc.ListenPacket(context.Background(), "udp4", "0.0.0.0:68")
		if err != nil {
			ch <- res{err: err}
			return
		}
		ch <- res{c: pc.(*net.UDPConn)}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.c.Close() })
	return r.c
}

var bcast67 = &net.UDPAddr{IP: net.IPv4bcast, Port: 67}

// roundTrip sends q to dst and waits (bounded) for the reply with its xid.
func roundTrip(t *testing.T, c *net.UDPConn, q *dhcp4.Packet, dst *net.UDPAddr) *dhcp4.Packet {
	t.Helper()
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 0; attempt < 3; attempt++ {
		if _, err := c.WriteToUDP(b, dst); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			c.SetReadDeadline(deadline)
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				break
			}
			r := &dhcp4.Packet{}
			if r.Decode(buf[:n]) == nil && r.Xid == q.Xid && r.Op == dhcp4.BootReply {
				return r
			}
		}
	}
	return nil
}

func clientPacket(t dhcp4.MessageType, mac byte, xid uint32) *dhcp4.Packet {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: xid, Flags: dhcp4.FlagBroadcast}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0xbb, mac})
	p.SetMessageType(t)
	p.Set(dhcp4.OptionParameterRequestList, []byte{1, 3, 6, 15})
	return p
}

// command sends a control command over the unix socket and decodes the
// answer.
func command(t *testing.T, e *e2e, cmd string) map[string]any {
	t.Helper()
	c, err := net.Dial("unix", filepath.Join(e.p.Dir, "ctl.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, cmd)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return m
}

// statValue reads a statistic's current value with statistic-get.
func statValue(t *testing.T, e *e2e, name string) float64 {
	t.Helper()
	m := command(t, e, `{"command": "statistic-get", "arguments": {"name": "`+name+`"}}`)
	args, _ := m["arguments"].(map[string]any)
	samples, _ := args[name].([]any)
	if len(samples) == 0 {
		t.Fatalf("statistic %s: %v", name, m)
	}
	v, _ := samples[0].([]any)[0].(float64)
	return v
}

// dora gets a lease for the client mac and returns its address.
func dora(t *testing.T, c *net.UDPConn, mac byte, xid uint32) netip.Addr {
	t.Helper()
	off := roundTrip(t, c, clientPacket(dhcp4.DHCPDISCOVER, mac, xid), bcast67)
	if off == nil || off.MessageType() != dhcp4.DHCPOFFER {
		t.Fatalf("no OFFER for client %d: %+v", mac, off)
	}
	req := clientPacket(dhcp4.DHCPREQUEST, mac, xid+1)
	req.Set(dhcp4.OptionRequestedAddress, off.YIAddr[:])
	sid, _ := off.Get(dhcp4.OptionServerIdentifier)
	req.Set(dhcp4.OptionServerIdentifier, sid)
	ack := roundTrip(t, c, req, bcast67)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK || ack.YIAddr != off.YIAddr {
		t.Fatalf("no ACK for client %d: %+v", mac, ack)
	}
	return ack.YIAddr.Addr()
}

func TestE2EDeclineInformFloodReload(t *testing.T) {
	e := startE2E(t, "s4pk")
	e.p.AddClientAddrs()
	c := clientConn(t, e)

	// DECLINE puts the address in probation.
	addr := dora(t, c, 1, 0x100)
	dec := clientPacket(dhcp4.DHCPDECLINE, 1, 0x102)
	dec.Flags = 0
	dec.Set(dhcp4.OptionRequestedAddress, addr.AsSlice())
	dec.Set(dhcp4.OptionServerIdentifier, []byte{198, 51, 100, 1})
	b, _ := dec.Encode()
	c.WriteToUDP(b, bcast67)
	deadline := time.Now().Add(5 * time.Second)
	for {
		row := lastLeaseRow(t, e.leases, addr.String())
		if len(row) > 9 && row[9] == "1" && row[3] == "600" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("DECLINE not recorded as declined with the probation period: %v", row)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if v := statValue(t, e, "declined-addresses"); v != 1 {
		t.Errorf("declined-addresses = %v", v)
	}

	// INFORM from a configured client: options, no lease, unicast reply.
	inf := clientPacket(dhcp4.DHCPINFORM, 2, 0x200)
	inf.Flags = 0
	inf.CIAddr = dhcp4.IPv4{198, 51, 100, 2}
	ack := roundTrip(t, c, inf, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67})
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("INFORM: no ACK (%+v)", ack)
	}
	if r, _ := ack.Get(dhcp4.OptionRouters); string(r) != "\xc6\x33\x64\x01" || ack.Has(dhcp4.OptionLeaseTime) || !ack.YIAddr.IsZero() {
		t.Errorf("INFORM ACK: routers %x, lease time present %v, yiaddr %v", r, ack.Has(dhcp4.OptionLeaseTime), ack.YIAddr)
	}
	if row := lastLeaseRow(t, e.leases, "198.51.100.2"); row != nil {
		t.Errorf("INFORM made a lease: %v", row)
	}

	// A flood of malformed packets is counted in pkt4-parse-failed (those
	// shorter than the BOOTP header are refused uncounted, as by Kea)
	// and a client still gets its lease.
	before := statValue(t, e, "pkt4-parse-failed")
	golden, _ := filepath.Glob("../dhcp4/testdata/golden/*.bin")
	sent := 0
	for _, g := range golden {
		data, err := os.ReadFile(g)
		if err != nil || len(data) < 240 {
			continue
		}
		bad := append([]byte(nil), data[:238]...) // header and half a cookie
		for _, cut := range [][]byte{data[:10], data[:100], data[:235], data[:236], bad} {
			c.WriteToUDP(cut, bcast67)
			if len(cut) >= dhcp4.HeaderLen {
				sent++
			}
		}
		// Paced so that the packet queue (packet-queue-size 64, oldest
		// dropped when full, as in Kea) does not drop any.
		time.Sleep(5 * time.Millisecond)
	}
	if sent == 0 {
		t.Fatal("no golden packets")
	}
	addr2 := dora(t, c, 3, 0x300)
	if !netip.MustParsePrefix("198.51.100.0/24").Contains(addr2) {
		t.Errorf("client after the flood got %v", addr2)
	}
	deadline = time.Now().Add(5 * time.Second)
	for statValue(t, e, "pkt4-parse-failed")-before < float64(sent) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := statValue(t, e, "pkt4-parse-failed") - before; got != float64(sent) {
		t.Errorf("pkt4-parse-failed went up by %v, want %d", got, sent)
	}

	// SIGHUP with a broken file keeps the running configuration.
	if err := os.WriteFile(e.cfg, []byte(`{"Dhcp4": {"valid-lifetime": "broken"`), 0o644); err != nil {
		t.Fatal(err)
	}
	e.srv.Signal(syscall.SIGHUP)
	if err := e.srv.WaitLog("DHCP4_DYNAMIC_RECONFIGURATION_FAIL", 5*time.Second); err != nil {
		t.Fatalf("no reload failure logged: %v", err)
	}
	if a := dora(t, c, 4, 0x400); !a.IsValid() {
		t.Errorf("no lease after the failed reload")
	}
	if m := command(t, e, `{"command": "config-get"}`); !strings.Contains(toJSON(m), `"valid-lifetime":40`) {
		t.Errorf("config-get after a failed reload: %v", m["text"])
	}

	// SIGTERM: graceful stop, PID file removed, leases kept in the file.
	pidFile := filepath.Join(e.p.Dir, "kea-dhcp4.kea-dhcp4.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Errorf("no PID file while running: %v", err)
	}
	e.srv.Signal(syscall.SIGTERM)
	if err := e.srv.WaitLog("DHCP4_SHUTDOWN ", 5*time.Second); err != nil {
		t.Errorf("no DHCP4_SHUTDOWN: %v", err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for !e.srv.Exited() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(pidFile); err == nil {
		t.Errorf("PID file left after SIGTERM")
	}
	if row := lastLeaseRow(t, e.leases, addr2.String()); row == nil {
		t.Errorf("lease of %s not in the lease file", addr2)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestE2EBroadcastServerIDTwoAddresses: with raw sockets, every address of
// an interface has its own socket and each receives a copy of a broadcast
// query, so the server answers a broadcast DISCOVER once per address (Kea
// 2.2 does the same). Every answer must come from the interface's first
// address, in option 54 and as the IP source: Kea's getSocket finds no
// socket bound to 255.255.255.255 and takes the interface's first one.
// Answering the copy that came in on the second address's socket with that
// address as server identifier made udhcpc REQUEST from the wrong server
// (NAK) or bind with the wrong server.
func TestE2EBroadcastServerIDTwoAddresses(t *testing.T) {
	const second = "198.51.100.250"
	e := startE2ESetup(t, "s4sid", func(p *testnet.Pair) {
		p.Server.Run("ip", "addr", "add", second+"/32", "dev", p.ServerIface)
	})
	e.p.AddClientAddrs()
	c := clientConn(t, e)
	q := clientPacket(dhcp4.DHCPDISCOVER, 7, 0x700)
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteToUDP(b, bcast67); err != nil {
		t.Fatal(err)
	}
	// Wait (bounded) for the two answers, one per socket.
	type answer struct {
		sid  string
		from netip.Addr
	}
	var got []answer
	buf := make([]byte, 1500)
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		c.SetReadDeadline(deadline)
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			break
		}
		r := &dhcp4.Packet{}
		if r.Decode(buf[:n]) != nil || r.Xid != q.Xid || r.MessageType() != dhcp4.DHCPOFFER {
			continue
		}
		sid, _ := r.Get(dhcp4.OptionServerIdentifier)
		a, _ := netip.AddrFromSlice(sid)
		got = append(got, answer{a.String(), from.Addr().Unmap()})
	}
	if len(got) != 2 {
		t.Fatalf("got %d OFFERs, want one per raw socket (2): %v", len(got), got)
	}
	for i, a := range got {
		if a.sid != testnet.ServerV4 || a.from.String() != testnet.ServerV4 {
			t.Errorf("OFFER %d: server identifier %s from %s, want %s from %s", i+1, a.sid, a.from, testnet.ServerV4, testnet.ServerV4)
		}
	}
}
