package server4_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// The differential test runs kea-dhcp4 (Kea 2.2, the oracle) and nestor
// with the same configuration, each in its own namespace pair, sends both
// the same scripted queries as a relay agent (giaddr 198.51.100.2, the
// client end's address) and compares the replies field by field.

const diffConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "authoritative": false,
  "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"},
                  {"name": "ntp-servers", "data": "198.51.100.123"},
                  {"name": "time-offset", "data": "3600", "always-send": true}],
  "client-classes": [{"name": "pxe", "test": "option[vendor-class-identifier].text == 'PXEClient'",
      "next-server": "198.51.100.5", "boot-file-name": "pxelinux.0",
      "option-data": [{"name": "tftp-server-name", "data": "tftp.example.org"}]}],
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"},
                      {"name": "domain-name", "data": "example.org"}],
      "reservations": [{"hw-address": "02:00:00:00:cc:99", "ip-address": "198.51.100.50",
                        "hostname": "reserved-host", "server-hostname": "boot.example.org"}]},
    {"id": 2, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}],
      "calculate-tee-times": true, "valid-lifetime": 1000}]
}}`

// diffServer is one server under comparison with a relay socket in its
// client namespace.
type diffServer struct {
	name string
	p    *testnet.Pair
	conn *net.UDPConn
}

func startDiffServer(t *testing.T, name, prefix string, argv func(cfg string) []string) *diffServer {
	p := testnet.NewPair(t, prefix)
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(diffConfig, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := argv(cfg)
	srv := p.Server.Start(p.Dir, name, env, args[0], args[1:]...)
	if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("%s did not start: %v\n%s", name, err, srv.Output())
	}
	return &diffServer{name: name, p: p, conn: relayConn(t, p)}
}

// relayConn opens UDP port 67 on the client end, as a relay agent.
func relayConn(t *testing.T, p *testnet.Pair) *net.UDPConn {
	ch := make(chan any, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(filepath.Join("/var/run/netns", p.Client.Name))
		if err != nil {
			ch <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- err
			return
		}
		lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1) })
		}}
		pc, err := lc.ListenPacket(context.Background(), "udp4", testnet.ClientV4+":67")
		if err != nil {
			ch <- err
			return
		}
		ch <- pc
	}()
	switch v := (<-ch).(type) {
	case error:
		t.Fatal(v)
	case *net.UDPConn:
		t.Cleanup(func() { v.Close() })
		return v
	}
	return nil
}

// ask sends a query and returns the reply, or nil after a short wait.
func (d *diffServer) ask(t *testing.T, q *dhcp4.Packet) *dhcp4.Packet {
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.conn.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	deadline := time.Now().Add(700 * time.Millisecond)
	for {
		d.conn.SetReadDeadline(deadline)
		n, _, err := d.conn.ReadFromUDP(buf)
		if err != nil {
			return nil
		}
		r := &dhcp4.Packet{}
		if r.Decode(buf[:n]) == nil && r.Xid == q.Xid {
			return r
		}
	}
}

// describe renders the fields the comparison looks at.
func describe(r *dhcp4.Packet) string {
	if r == nil {
		return "(no reply)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s op=%d yiaddr=%s ciaddr=%s siaddr=%s giaddr=%s flags=%#x hops=%d sname=%q file=%q\n",
		r.MessageType(), r.Op, r.YIAddr, r.CIAddr, r.SIAddr, r.GIAddr, r.Flags, r.Hops, r.ServerName(), r.BootFileName())
	opts := append([]dhcp4.Option(nil), r.Options()...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Code < opts[j].Code })
	for _, o := range opts {
		fmt.Fprintf(&b, "  %3d %x\n", o.Code, o.Data)
	}
	return b.String()
}

// step is one scripted query.
type step struct {
	name string
	q    func(prev map[string]*dhcp4.Packet) *dhcp4.Packet
}

func relayed(t dhcp4.MessageType, mac byte, xid uint32, opts ...dhcp4.Option) *dhcp4.Packet {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: xid, Hops: 1}
	p.GIAddr = dhcp4.IPv4{198, 51, 100, 2}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0xcc, mac})
	p.SetMessageType(t)
	for _, o := range opts {
		p.Set(o.Code, o.Data)
	}
	return p
}

func opt(code uint8, data ...byte) dhcp4.Option { return dhcp4.Option{Code: code, Data: data} }
func optS(code uint8, s string) dhcp4.Option    { return dhcp4.Option{Code: code, Data: []byte(s)} }

var prl = opt(55, 1, 2, 3, 4, 6, 12, 15, 42, 51, 54, 58, 59, 66, 67)

func requestFor(prev map[string]*dhcp4.Packet, offer string, mac byte, xid uint32) *dhcp4.Packet {
	o := prev[offer]
	q := relayed(dhcp4.DHCPREQUEST, mac, xid, prl, opt(54, 198, 51, 100, 1))
	if o != nil {
		q.Set(50, o.YIAddr[:])
	}
	return q
}

var diffScript = []step{
	{"discover", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPDISCOVER, 1, 0x10, prl) }},
	{"request selecting", func(p map[string]*dhcp4.Packet) *dhcp4.Packet { return requestFor(p, "discover", 1, 0x11) }},
	{"request renewing", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPREQUEST, 1, 0x12, prl)
		if a := p["request selecting"]; a != nil {
			q.CIAddr = a.YIAddr
		}
		return q
	}},
	{"discover no prl", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPDISCOVER, 2, 0x20) }},
	{"discover client-id", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 3, 0x30, prl, opt(61, 1, 2, 0, 0, 0, 0xcc, 3))
	}},
	{"discover hostname", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 4, 0x40, prl, optS(12, "MyHost"))
	}},
	{"discover fqdn", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 5, 0x50, prl, opt(81, 0, 0, 0, 'h', 'o', 's', 't', '.', 'e', 'x', '.', 'o', 'r', 'g', '.'))
	}},
	// S and N both set: Kea's Option4ClientFqdn refuses the flags.
	{"discover fqdn S and N", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 21, 0x170, prl, opt(81, 9, 0, 0, 'h', '2', '1', '.', 'e', 'x', '.', 'o', 'r', 'g', '.'))
	}},
	{"discover fqdn truncated", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 22, 0x180, prl, opt(81, 1, 0))
	}},
	{"discover reserved", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPDISCOVER, 0x99, 0x60, prl) }},
	{"discover pxe class", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 7, 0x70, prl, optS(60, "PXEClient"))
	}},
	{"discover rai", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 8, 0x80, prl, opt(82, 1, 3, 'e', 't', '0', 2, 2, 0xab, 0xcd))
	}},
	{"discover link-selection", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 9, 0x90, prl, opt(82, 5, 4, 203, 0, 113, 1))
	}},
	{"discover subnet-selection", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 10, 0xa0, prl, opt(118, 203, 0, 113, 1))
	}},
	{"discover lease time", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 11, 0xb0, prl, opt(51, 0, 0, 0, 100))
	}},
	{"discover with server id", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 12, 0xc0, prl, opt(54, 198, 51, 100, 1))
	}},
	{"request other client's address", func(p map[string]*dhcp4.Packet) *dhcp4.Packet { return requestFor(p, "discover", 13, 0xd0) }},
	{"request outside pools", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPREQUEST, 14, 0xe0, prl, opt(50, 198, 51, 100, 250), opt(54, 198, 51, 100, 1))
	}},
	{"request init-reboot unknown", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPREQUEST, 15, 0xf0, prl, opt(50, 198, 51, 100, 150))
	}},
	{"request init-reboot known", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPREQUEST, 1, 0xf1, prl)
		if a := p["request selecting"]; a != nil {
			q.Set(50, a.YIAddr[:])
		}
		return q
	}},
	{"request init-reboot known wrong address", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPREQUEST, 1, 0xf2, prl, opt(50, 198, 51, 100, 190))
	}},
	{"request no address", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPREQUEST, 16, 0x100, prl) }},
	{"inform relayed", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPINFORM, 17, 0x110, prl) }},
	{"inform relayed ciaddr", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPINFORM, 18, 0x120, prl)
		q.CIAddr = dhcp4.IPv4{198, 51, 100, 2}
		return q
	}},
	{"discover second subnet calculated timers", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 19, 0x130, prl, opt(118, 203, 0, 113, 7))
	}},
	{"discover broadcast flag", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPDISCOVER, 20, 0x140, prl)
		q.Flags = dhcp4.FlagBroadcast
		return q
	}},
	{"release", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPRELEASE, 1, 0x150)
		if a := p["request selecting"]; a != nil {
			q.CIAddr = a.YIAddr
		}
		return q
	}},
	{"discover after release", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return relayed(dhcp4.DHCPDISCOVER, 1, 0x160, prl) }},
}

func TestDifferentialKea22(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	bin := nestorBinary(t)
	kea := startDiffServer(t, "kea-dhcp4", "s4kk", func(cfg string) []string { return []string{"kea-dhcp4", "-c", cfg} })
	nes := startDiffServer(t, "nestor", "s4kn", func(cfg string) []string { return []string{bin, "dhcp4", "-c", cfg} })
	kprev, nprev := map[string]*dhcp4.Packet{}, map[string]*dhcp4.Packet{}
	same := 0
	for _, s := range diffScript {
		kr := kea.ask(t, s.q(kprev))
		nr := nes.ask(t, s.q(nprev))
		kprev[s.name], nprev[s.name] = kr, nr
		kd, nd := describe(kr), describe(nr)
		if kd != nd {
			if known := knownDifference[s.name]; known != "" {
				t.Logf("%s: known difference (%s)", s.name, known)
				continue
			}
			t.Errorf("%s:\nkea-dhcp4 2.2: %s\nnestor:        %s", s.name, kd, nd)
			continue
		}
		if kr != nil && nr != nil {
			kb, _ := kr.Encode()
			nb, _ := nr.Encode()
			if string(kb) != string(nb) {
				t.Errorf("%s: same fields, different bytes on the wire:\nkea %x\nnes %x", s.name, kb, nb)
				continue
			}
		}
		same++
	}
	t.Logf("%d of %d exchanges identical", same, len(diffScript))
	_ = exec.Command
}

// knownDifference lists the exchanges where Nestor follows the spec (Kea
// 2.6) rather than Kea 2.2; COMPAT.md explains each.
var knownDifference = map[string]string{
	"discover after release": "lease affinity on RELEASE (Kea 2.6): the released lease is kept expired and the returning client is offered its old address; Kea 2.2 deletes it and offers the next one",
}
