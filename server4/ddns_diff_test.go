package server4_test

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
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// The DDNS differential test runs kea-dhcp4 2.2 and nestor with the same
// configuration, with dhcp-ddns pointed at a UDP listener the test opens
// in the client namespace (198.51.100.2:53001, standing in for
// kea-dhcp-ddns), drives both with the same relayed exchanges and compares
// the NameChangeRequests each exchange produced, field by field, except
// lease-expires-on (it depends on the time).

const ddnsConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "expired-leases-processing": {"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 0, "hold-reclaimed-time": 0},
  "dhcp-ddns": {"enable-updates": true, "server-ip": "198.51.100.2", "server-port": 53001},
  "ddns-qualifying-suffix": "example.org",
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "reservations": [{"hw-address": "02:00:00:00:cc:99", "ip-address": "198.51.100.50", "hostname": "reserved-host"},
                       {"hw-address": "02:00:00:00:cc:98", "ip-address": "198.51.100.51", "hostname": "res2.example.net"}]},
    {"id": 2, "subnet": "203.0.113.0/26", "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}],
      "ddns-override-client-update": true, "ddns-override-no-update": true, "ddns-update-on-renew": true,
      "ddns-use-conflict-resolution": false, "ddns-qualifying-suffix": "two.example.org."},
    {"id": 3, "subnet": "203.0.113.128/25", "pools": [{"pool": "203.0.113.130 - 203.0.113.140"}],
      "valid-lifetime": 2, "min-valid-lifetime": 2, "ddns-replace-client-name": "always", "ddns-generated-prefix": "gen"},
    {"id": 4, "subnet": "203.0.113.64/26", "pools": [{"pool": "203.0.113.70 - 203.0.113.80"}], "ddns-send-updates": false}]
}}`

// d2Listener receives NCRs in the client namespace.
func d2Listener(t *testing.T, p *testnet.Pair) *net.UDPConn {
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
		pc, err := (&net.ListenConfig{}).ListenPacket(context.Background(), "udp4", testnet.ClientV4+":53001")
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

// ncrs reads the NCRs that arrive within wait, each rendered without
// lease-expires-on.
func ncrs(t *testing.T, c *net.UDPConn, wait time.Duration) []string {
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
		if r.LeaseExpiresOn < 1e9 {
			t.Errorf("NCR with lease-expires-on %d: %s", r.LeaseExpiresOn, r.JSON())
		}
		r.LeaseExpiresOn = 0
		out = append(out, string(r.JSON()))
	}
}

type ddnsServer struct {
	*diffServer
	d2 *net.UDPConn
}

func startDDNSServer(t *testing.T, name, prefix string, argv func(cfg string) []string) *ddnsServer {
	p := testnet.NewPair(t, prefix)
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(ddnsConfig, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	d2 := d2Listener(t, p)
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := argv(cfg)
	srv := p.Server.Start(p.Dir, name, env, args[0], args[1:]...)
	if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("%s did not start: %v\n%s", name, err, srv.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s output:\n%s", name, srv.Output())
		}
	})
	return &ddnsServer{diffServer: &diffServer{name: name, p: p, conn: relayConn(t, p)}, d2: d2}
}

// fqdnOpt is option 81 with flags and an ASCII name (E clear).
func fqdnOpt(flags byte, name string) dhcp4.Option {
	return dhcp4.Option{Code: 81, Data: append([]byte{flags, 0, 0}, name...)}
}

// fqdnWire is option 81 with the E flag and a name in wire format.
func fqdnWire(flags byte, labels ...string) dhcp4.Option {
	d := []byte{flags | 4, 0, 0}
	for _, l := range labels {
		d = append(d, byte(len(l)))
		d = append(d, l...)
	}
	return dhcp4.Option{Code: 81, Data: append(d, 0)}
}

var sel2, sel3, sel4 = opt(118, 203, 0, 113, 1), opt(118, 203, 0, 113, 129), opt(118, 203, 0, 113, 65)

// ddnsStep is one exchange: a DISCOVER/REQUEST pair (or a REQUEST with
// ciaddr for a renewal, or a RELEASE) for one client.
type ddnsStep struct {
	name  string
	kind  string // "dora", "renew", "release", "wait"
	mac   byte
	opts  []dhcp4.Option
	wait  time.Duration
	after string // the dora step whose address a renew/release uses
}

var ddnsScript = []ddnsStep{
	{name: "fqdn S=1", kind: "dora", mac: 1, opts: []dhcp4.Option{fqdnOpt(1, "host1.example.org.")}},
	{name: "fqdn S=0", kind: "dora", mac: 2, opts: []dhcp4.Option{fqdnOpt(0, "host2.example.org.")}},
	{name: "fqdn N=1", kind: "dora", mac: 3, opts: []dhcp4.Option{fqdnOpt(8, "host3.example.org.")}},
	{name: "fqdn partial", kind: "dora", mac: 4, opts: []dhcp4.Option{fqdnOpt(1, "Host4")}},
	{name: "fqdn wire E=1", kind: "dora", mac: 5, opts: []dhcp4.Option{fqdnWire(1, "host5", "example", "org")}},
	{name: "fqdn empty name", kind: "dora", mac: 6, opts: []dhcp4.Option{fqdnOpt(1, "")}},
	{name: "hostname option", kind: "dora", mac: 7, opts: []dhcp4.Option{optS(12, "myhost")}},
	{name: "hostname fqdn", kind: "dora", mac: 8, opts: []dhcp4.Option{optS(12, "other.example.com")}},
	{name: "client-id", kind: "dora", mac: 9, opts: []dhcp4.Option{opt(61, 1, 2, 0, 0, 0, 0xcc, 9), fqdnOpt(1, "cid.example.org.")}},
	{name: "client-id 255 duid", kind: "dora", mac: 15, opts: []dhcp4.Option{opt(61, 0xff, 0, 0, 0, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0xcc, 15), fqdnOpt(1, "duid.example.org.")}},
	{name: "client-id 255 short", kind: "dora", mac: 16, opts: []dhcp4.Option{opt(61, 0xff, 1, 2, 3, 4), fqdnOpt(1, "short.example.org.")}},
	{name: "reserved, hostname in PRL", kind: "dora", mac: 0x99},
	{name: "reserved, fqdn", kind: "dora", mac: 0x98, opts: []dhcp4.Option{fqdnOpt(1, "client.example.org.")}},
	{name: "no name", kind: "dora", mac: 10},
	{name: "renew same name", kind: "renew", mac: 1, after: "fqdn S=1", opts: []dhcp4.Option{fqdnOpt(1, "host1.example.org.")}},
	{name: "renew new name", kind: "renew", mac: 1, after: "fqdn S=1", opts: []dhcp4.Option{fqdnOpt(1, "renamed.example.org.")}},
	{name: "renew hostname option", kind: "renew", mac: 7, after: "hostname option", opts: []dhcp4.Option{optS(12, "myhost")}},
	{name: "override S=0", kind: "dora", mac: 11, opts: []dhcp4.Option{sel2, fqdnOpt(0, "h11.example.org.")}},
	{name: "override N=1", kind: "dora", mac: 12, opts: []dhcp4.Option{sel2, fqdnOpt(8, "h12")}},
	{name: "update-on-renew", kind: "renew", mac: 12, after: "override N=1", opts: []dhcp4.Option{sel2, fqdnOpt(8, "h12")}},
	{name: "send-updates false", kind: "dora", mac: 13, opts: []dhcp4.Option{sel4, fqdnOpt(1, "h13.example.org.")}},
	{name: "release", kind: "release", mac: 2, after: "fqdn S=0"},
	{name: "release renamed", kind: "release", mac: 1, after: "fqdn S=1"},
	{name: "release client-id", kind: "release", mac: 9, after: "client-id"},
	{name: "replace always, short lease", kind: "dora", mac: 14, opts: []dhcp4.Option{sel3, fqdnOpt(1, "h14.example.org.")}},
	{name: "expiry", kind: "wait", wait: 6 * time.Second},
}

// run plays one step and returns the NCRs it produced.
func (d *ddnsServer) run(t *testing.T, s ddnsStep, addrs map[string]dhcp4.IPv4, xid uint32) []string {
	base := []dhcp4.Option{prl}
	switch s.kind {
	case "dora":
		off := d.ask(t, relayed(dhcp4.DHCPDISCOVER, s.mac, xid, append(base, s.opts...)...))
		if off == nil || off.MessageType() != dhcp4.DHCPOFFER {
			t.Errorf("%s %s: no offer: %s", d.name, s.name, describe(off))
			return nil
		}
		q := relayed(dhcp4.DHCPREQUEST, s.mac, xid+1, append(base, s.opts...)...)
		q.Set(50, off.YIAddr[:])
		q.Set(54, []byte{198, 51, 100, 1})
		ack := d.ask(t, q)
		if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
			t.Errorf("%s %s: no ack: %s", d.name, s.name, describe(ack))
			return nil
		}
		addrs[s.name] = ack.YIAddr
	case "renew":
		q := relayed(dhcp4.DHCPREQUEST, s.mac, xid, append(base, s.opts...)...)
		q.CIAddr = addrs[s.after]
		if ack := d.ask(t, q); ack == nil || ack.MessageType() != dhcp4.DHCPACK {
			t.Errorf("%s %s: no ack: %s", d.name, s.name, describe(ack))
		}
	case "release":
		q := relayed(dhcp4.DHCPRELEASE, s.mac, xid)
		for _, o := range ddnsScript {
			if o.name == s.after {
				for _, op := range o.opts {
					if op.Code == 61 {
						q.Set(61, op.Data)
					}
				}
			}
		}
		q.CIAddr = addrs[s.after]
		b, _ := q.Encode()
		if _, err := d.conn.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
			t.Fatal(err)
		}
	case "wait":
		return ncrs(t, d.d2, s.wait)
	}
	return ncrs(t, d.d2, 500*time.Millisecond)
}

func TestDDNSDifferentialKea22(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	bin := nestorBinary(t)
	kea := startDDNSServer(t, "kea-dhcp4", "s4dk", func(cfg string) []string { return []string{"kea-dhcp4", "-c", cfg} })
	nes := startDDNSServer(t, "nestor", "s4dn", func(cfg string) []string { return []string{bin, "dhcp4", "-c", cfg} })
	ka, na := map[string]dhcp4.IPv4{}, map[string]dhcp4.IPv4{}
	same, total := 0, 0
	for i, s := range ddnsScript {
		xid := uint32(0x1000 + 16*i)
		k := kea.run(t, s, ka, xid)
		n := nes.run(t, s, na, xid)
		t.Logf("%s: kea %d NCR(s):%s", s.name, len(k), "\n\t"+strings.Join(k, "\n\t"))
		total++
		if fmt.Sprint(k) != fmt.Sprint(n) {
			t.Errorf("%s:\nkea-dhcp4 2.2:\n\t%s\nnestor:\n\t%s", s.name, strings.Join(k, "\n\t"), strings.Join(n, "\n\t"))
			continue
		}
		same++
	}
	t.Logf("%d of %d exchanges produced the same NCRs", same, total)
}
