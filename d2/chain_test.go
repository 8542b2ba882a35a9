package d2

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// The chain test: in a test namespace, a DHCPv4 server (Nestor's, or
// Kea 2.2's for the cross check) with DDNS enabled sends its NCRs to
// Nestor's D2 on the namespace's loopback, which updates named there. A
// relayed client from the peer namespace gets a lease with an FQDN; dig
// then shows the A, PTR and DHCID records, and a RELEASE removes them.

const chainDhcp4 = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000,
  "dhcp-ddns": {"enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001},
  "ddns-qualifying-suffix": "example.org",
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]}]
}}`

const chainDNSPort = 5353

func TestChainDhcp4D2Named(t *testing.T) {
	testnet.Require(t, "named", "dig")
	nestor := nestorD2(t)
	servers := map[string]func(cfg string) []string{
		"nestor-dhcp4": func(cfg string) []string {
			return []string{filepath.Join(filepath.Dir(nestor), "nestor"), "dhcp4", "-c", cfg}
		},
	}
	if _, err := os.Stat("/usr/sbin/kea-dhcp4"); err == nil {
		servers["kea-dhcp4"] = func(cfg string) []string { return []string{"/usr/sbin/kea-dhcp4", "-c", cfg} }
	}
	for name, argv := range servers {
		t.Run(name, func(t *testing.T) {
			p := testnet.NewPair(t, "d2"+name[:1])
			p.AddClientAddrs()
			env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
			ndir := filepath.Join(p.Dir, "named")
			if err := os.MkdirAll(ndir, 0o755); err != nil {
				t.Fatal(err)
			}
			conf := writeNamedConfig(t, ndir, chainDNSPort)
			ns := p.Server.Start(ndir, "named", nil, "named", "-g", "-n", "1", "-c", conf)
			if err := ns.WaitLog(`(?m) running$`, 20*time.Second); err != nil {
				t.Fatal(err)
			}
			d2cfg := filepath.Join(p.Dir, "d2.json")
			if err := os.WriteFile(d2cfg, []byte(d2Config(53001, "127.0.0.1:5353", filepath.Join(p.Dir, "d2.sock"))), 0o644); err != nil {
				t.Fatal(err)
			}
			d2 := p.Server.Start(p.Dir, "kea-dhcp-ddns", env, nestor, "-c", d2cfg)
			if err := d2.WaitLog("DHCP_DDNS_STARTED", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			dcfg := filepath.Join(p.Dir, "dhcp4.json")
			if err := os.WriteFile(dcfg, []byte(strings.ReplaceAll(chainDhcp4, "DIR", p.Dir)), 0o644); err != nil {
				t.Fatal(err)
			}
			args := argv(dcfg)
			srv := p.Server.Start(p.Dir, name, env, args[0], args[1:]...)
			if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("D2 log:\n%s\nDHCP log:\n%s", d2.Output(), srv.Output())
				}
			})
			conn := chainRelayConn(t, p)
			fqdn := dhcp4.Option{Code: 81, Data: append([]byte{1, 0, 0}, "chain1.example.org."...)}
			prl := dhcp4.Option{Code: 55, Data: []byte{1, 3, 6, 15, 81}}
			off := chainAsk(t, conn, chainRelayed(dhcp4.DHCPDISCOVER, 0x1234, prl, fqdn))
			if off == nil || off.MessageType() != dhcp4.DHCPOFFER {
				t.Fatal("no offer")
			}
			req := chainRelayed(dhcp4.DHCPREQUEST, 0x1235, prl, fqdn)
			req.Set(50, off.YIAddr[:])
			req.Set(54, []byte{198, 51, 100, 1})
			ack := chainAsk(t, conn, req)
			if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
				t.Fatal("no ack")
			}
			ip := net.IP(ack.YIAddr[:]).String()
			if err := d2.WaitLog("DHCP_DDNS_ADD_SUCCEEDED", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			dig := func(name, typ string) string {
				return strings.TrimSpace(p.Server.Run("dig", "@127.0.0.1", "-p", "5353", "+short", name, typ))
			}
			rev, _ := reverseName(ip)
			if got := dig("chain1.example.org", "A"); got != ip {
				t.Errorf("A: %q, want %q", got, ip)
			}
			if got := dig(rev, "PTR"); got != "chain1.example.org." {
				t.Errorf("PTR %s: %q", rev, got)
			}
			if got := dig("chain1.example.org", "DHCID"); got == "" {
				t.Error("no DHCID record")
			}
			rel := chainRelayed(dhcp4.DHCPRELEASE, 0x1236)
			rel.CIAddr = ack.YIAddr
			rel.Set(54, []byte{198, 51, 100, 1})
			b, _ := rel.Encode()
			if _, err := conn.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
				t.Fatal(err)
			}
			if err := d2.WaitLog("DHCP_DDNS_REMOVE_SUCCEEDED", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			for _, q := range [][2]string{{"chain1.example.org", "A"}, {"chain1.example.org", "DHCID"}, {rev, "PTR"}} {
				if got := dig(q[0], q[1]); got != "" {
					t.Errorf("after release %s %s: %q", q[0], q[1], got)
				}
			}
		})
	}
}

func reverseName(ip string) (string, error) {
	a := net.ParseIP(ip).To4()
	return net.IPv4(a[3], a[2], a[1], a[0]).String() + ".in-addr.arpa.", nil
}

func chainRelayed(typ dhcp4.MessageType, xid uint32, opts ...dhcp4.Option) *dhcp4.Packet {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: xid, Hops: 1}
	p.GIAddr = dhcp4.IPv4{198, 51, 100, 2}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0xd2, 1})
	p.SetMessageType(typ)
	for _, o := range opts {
		p.Set(o.Code, o.Data)
	}
	return p
}

// chainRelayConn is the relay's socket (198.51.100.2:67) in the client
// namespace.
func chainRelayConn(t *testing.T, p *testnet.Pair) *net.UDPConn {
	var pc net.PacketConn
	err := p.Client.Do(func() error {
		lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) { _ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1) })
		}}
		var err error
		pc, err = lc.ListenPacket(context.Background(), "udp4", testnet.ClientV4+":67")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.(*net.UDPConn)
}

func chainAsk(t *testing.T, c *net.UDPConn, q *dhcp4.Packet) *dhcp4.Packet {
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := c.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		for {
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				break
			}
			r := &dhcp4.Packet{}
			if r.Decode(buf[:n]) == nil && r.Xid == q.Xid {
				return r
			}
		}
	}
	return nil
}
