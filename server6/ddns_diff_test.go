package server6

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// The DDNS differential test runs kea-dhcp6 2.2 and nestor with the same
// configuration, dhcp-ddns pointed at a UDP listener the test opens in the
// client namespace ([2001:db8:1::2]:53001, standing in for
// kea-dhcp-ddns), plays the same relayed exchanges on both and compares
// the NameChangeRequests of each exchange field by field, except
// lease-expires-on for removals (it depends on the time; Kea's DHCPv6
// ADD requests carry 0 there, and so must Nestor's).

const ddnsConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405060708", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "expired-leases-processing": {"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 0, "hold-reclaimed-time": 0},
  "dhcp-ddns": {"enable-updates": true, "server-ip": "2001:db8:1::2", "server-port": 53001},
  "ddns-qualifying-suffix": "example.org",
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}],
    "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:99", "ip-addresses": ["2001:db8:1::99"], "hostname": "reserved6"}]},
   {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "relay-if2",
    "ddns-override-client-update": true, "ddns-override-no-update": true, "ddns-update-on-renew": true,
    "ddns-use-conflict-resolution": false, "ddns-generated-prefix": "gen",
    "pools": [{"pool": "2001:db8:2::100-2001:db8:2::fff"}]},
   {"id": 3, "subnet": "2001:db8:3::/64", "interface-id": "relay-if3", "ddns-send-updates": false,
    "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff"}]},
   {"id": 4, "subnet": "2001:db8:4::/64", "interface-id": "relay-if4",
    "preferred-lifetime": 1, "valid-lifetime": 2, "min-valid-lifetime": 2, "renew-timer": 1, "rebind-timer": 1,
    "pools": [{"pool": "2001:db8:4::100-2001:db8:4::1ff"}]}]}}`

// d2Listener6 receives NCRs in the client namespace.
func d2Listener6(t *testing.T, p *testnet.Pair) *net.UDPConn {
	ch := make(chan any, 1)
	go func() {
		runtime.LockOSThread() // the thread dies with the goroutine
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
		pc, err := (&net.ListenConfig{}).ListenPacket(context.Background(), "udp6", "["+testnet.ClientV6+"]:53001")
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

// ncrs6 reads the NCRs arriving within wait; removals are rendered
// without lease-expires-on.
func ncrs6(t *testing.T, c *net.UDPConn, wait time.Duration) []string {
	var out []string
	buf := make([]byte, 4096)
	deadline := time.Now().Add(wait)
	for {
		c.SetReadDeadline(deadline)
		n, _, err := c.ReadFromUDP(buf)
		if err != nil {
			return out
		}
		r, err := ncr.Parse(buf[:n])
		if err != nil {
			t.Errorf("unparsable NCR %q: %v", buf[:n], err)
			continue
		}
		if r.Type == ncr.Remove {
			if r.LeaseExpiresOn < 1e9 {
				t.Errorf("removal with lease-expires-on %d: %s", r.LeaseExpiresOn, r.JSON())
			}
			r.LeaseExpiresOn = 0
		}
		out = append(out, string(r.JSON()))
	}
}

func startDDNSServer6(t *testing.T, name, prefix string, argv func(cfg string) []string) (*diffServer6, *net.UDPConn) {
	t.Helper()
	p := testnet.NewPair(t, prefix)
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp6.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(ddnsConfig6)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	d2 := d2Listener6(t, p)
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := argv(cfg)
	srv := p.Server.Start(p.Dir, name, env, args[0], args[1:]...)
	if err := srv.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
		t.Fatalf("%s did not start: %v\n%s", name, err, srv.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log:\n%s", name, srv.Output())
		}
	})
	return &diffServer6{name: name, p: p, conn: relayConn6(t, p)}, d2
}

// fqdn6 is a Client FQDN option: flags, then the name in wire format (a
// trailing dot makes it fully qualified).
func fqdn6(flags byte, name string) dhcp6.Option {
	d := []byte{flags}
	full := strings.HasSuffix(name, ".")
	if n := strings.TrimSuffix(name, "."); n != "" {
		for _, l := range strings.Split(n, ".") {
			d = append(d, byte(len(l)))
			d = append(d, l...)
		}
	}
	if full {
		d = append(d, 0)
	}
	return dhcp6.Option{Code: dhcp6.OptClientFQDN, Data: d}
}

var ddnsScript6 = []step6{
	{"request S=1", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 1, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "host1.example.org.")}}
	}},
	{"request S=0", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 2, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(0, "host2.example.org.")}}
	}},
	{"request N=1", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 3, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(4, "host3.example.org.")}}
	}},
	{"request partial name", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 4, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "Host4")}}
	}},
	{"request empty name", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 5, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "")}}
	}},
	{"request two IA_NA and IA_PD", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 6, server: true, ias: []ia6{na(1), na(2), pd(3)}, extra: []dhcp6.Option{fqdn6(1, "multi.example.org.")}}
	}},
	{"request reserved hostname", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 0x99, server: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "client.example.org.")}}
	}},
	{"request no fqdn", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 7, server: true, ias: []ia6{na(1)}}
	}},
	{"solicit", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 8, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "host8.example.org.")}}
	}},
	{"solicit rapid commit", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 9, rapid: true, ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "host9.example.org.")}}
	}},
	{"renew same name", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRenew, client: 1, server: true, ias: []ia6{na(1, leased(p["request S=1"], false, 1)...)}, extra: []dhcp6.Option{fqdn6(1, "host1.example.org.")}}
	}},
	{"renew new name", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRenew, client: 1, server: true, ias: []ia6{na(1, leased(p["request S=1"], false, 1)...)}, extra: []dhcp6.Option{fqdn6(1, "renamed.example.org.")}}
	}},
	{"rebind S=0 after S=1", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRebind, client: 1, ias: []ia6{na(1, leased(p["request S=1"], false, 1)...)}, extra: []dhcp6.Option{fqdn6(0, "renamed.example.org.")}}
	}},
	{"override S=0", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 10, server: true, ifID: "relay-if2", ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(0, "h10.example.org.")}}
	}},
	{"override N=1", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 11, server: true, ifID: "relay-if2", ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(4, "")}}
	}},
	{"renew update-on-renew", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRenew, client: 10, server: true, ifID: "relay-if2", ias: []ia6{na(1, leased(p["override S=0"], false, 1)...)}, extra: []dhcp6.Option{fqdn6(0, "h10.example.org.")}}
	}},
	{"send-updates false", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 12, server: true, ifID: "relay-if3", ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "h12.example.org.")}}
	}},
	{"release", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRelease, client: 2, server: true, ias: []ia6{na(1, leased(p["request S=0"], false, 1)...)}}
	}},
	{"release renamed", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRelease, client: 1, server: true, ias: []ia6{na(1, leased(p["request S=1"], false, 1)...)}}
	}},
	{"decline", func(p map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgDecline, client: 4, server: true, ias: []ia6{na(1, leased(p["request partial name"], false, 1)...)}}
	}},
	{"short lease", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 13, server: true, ifID: "relay-if4", ias: []ia6{na(1)}, extra: []dhcp6.Option{fqdn6(1, "short.example.org.")}}
	}},
	{"expiry", nil},
}

func TestDDNSDifferentialKea22(t *testing.T) {
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	kea, kd2 := startDDNSServer6(t, "kea-dhcp6", "s6dk", func(cfg string) []string { return []string{"kea-dhcp6", "-c", cfg} })
	nes, nd2 := startDDNSServer6(t, "nestor", "s6dn", func(cfg string) []string { return []string{bin, "dhcp6", "-c", cfg} })
	kprev, nprev := map[string]*dhcp6.Packet{}, map[string]*dhcp6.Packet{}
	same := 0
	for i, s := range ddnsScript6 {
		wait := 500 * time.Millisecond
		if s.q == nil {
			wait = 6 * time.Second // reclamation of the short lease
		} else {
			xid := uint32(0x2000 + i)
			kq, nq := s.q(kprev), s.q(nprev)
			kq.xid, nq.xid = xid, xid
			kprev[s.name] = kea.ask(t, kq.encode(t), xid)
			nprev[s.name] = nes.ask(t, nq.encode(t), xid)
		}
		k, n := ncrs6(t, kd2, wait), ncrs6(t, nd2, wait)
		t.Logf("%s: kea %d NCR(s):\n\t%s", s.name, len(k), strings.Join(k, "\n\t"))
		if fmt.Sprint(k) != fmt.Sprint(n) {
			t.Errorf("%s:\nkea-dhcp6 2.2:\n\t%s\nnestor:\n\t%s", s.name, strings.Join(k, "\n\t"), strings.Join(n, "\n\t"))
			continue
		}
		same++
	}
	t.Logf("%d of %d exchanges produced the same NCRs", same, len(ddnsScript6))
}
