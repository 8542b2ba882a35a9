package server4_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// Lease file interchange and crash safety with running servers.

const interchangeConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "store-extended-info": true,
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"}]}]
}}`

// startIn starts a server in the pair's server namespace on the given
// configuration file and waits until it serves.
func startIn(t *testing.T, p *testnet.Pair, name, cfg string, argv ...string) *testnet.Proc {
	t.Helper()
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	srv := p.Server.Start(p.Dir, name, env, argv[0], append(argv[1:], "-c", cfg)...)
	if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("%s did not start: %v", name, err)
	}
	return srv
}

// relayDORA runs DISCOVER/REQUEST for a client and returns the acknowledged
// address (invalid when there is none).
func relayDORA(t *testing.T, d *diffServer, mac byte, xid uint32) netip.Addr {
	t.Helper()
	off := d.ask(t, relayed(dhcp4.DHCPDISCOVER, mac, xid, prl))
	if off == nil || off.MessageType() != dhcp4.DHCPOFFER {
		return netip.Addr{}
	}
	req := relayed(dhcp4.DHCPREQUEST, mac, xid+1, prl, opt(50, off.YIAddr[:]...), opt(54, 198, 51, 100, 1))
	ack := d.ask(t, req)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		return netip.Addr{}
	}
	return ack.YIAddr.Addr()
}

// renew sends a relayed RENEWING request and returns the reply.
func renew(t *testing.T, d *diffServer, mac byte, xid uint32, addr netip.Addr) *dhcp4.Packet {
	q := relayed(dhcp4.DHCPREQUEST, mac, xid, prl)
	q.CIAddr = addr.As4()
	return d.ask(t, q)
}

// TestLeaseFileInterchangeKea22 runs Kea 2.2, Nestor and Kea 2.2 again, one
// after the other, on the same configuration and lease file: each server
// renews the leases the previous one granted, offers a returning client
// its lease, and gives a new client an address nobody holds.
func TestLeaseFileInterchangeKea22(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "s4ix")
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(interchangeConfig, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &diffServer{name: "relay", p: p, conn: relayConn(t, p)}
	held := map[byte]netip.Addr{}
	xid := uint32(0x5000)
	next := func() uint32 { xid += 2; return xid }

	grant := func(server string, macs ...byte) {
		t.Helper()
		for _, mac := range macs {
			a := relayDORA(t, d, mac, next())
			if !a.IsValid() {
				t.Fatalf("%s: no lease for client %#x", server, mac)
			}
			for m, h := range held {
				if h == a && m != mac {
					t.Errorf("%s gave client %#x the address %s held by client %#x", server, mac, a, m)
				}
			}
			held[mac] = a
		}
	}
	check := func(server string) {
		t.Helper()
		for mac, a := range held {
			r := renew(t, d, mac, next(), a)
			if r == nil || r.MessageType() != dhcp4.DHCPACK || r.YIAddr.Addr() != a {
				t.Errorf("%s: renewal of %s by client %#x: %s", server, a, mac, describe(r))
			}
			off := d.ask(t, relayed(dhcp4.DHCPDISCOVER, mac, next(), prl))
			if off == nil || off.YIAddr.Addr() != a {
				t.Errorf("%s: client %#x coming back was not offered its lease %s: %s", server, mac, a, describe(off))
			}
		}
	}

	kea := startIn(t, p, "kea-1", cfg, "kea-dhcp4")
	grant("kea-dhcp4", 1, 2, 3, 4, 5)
	kea.Stop()

	nes := startIn(t, p, "nestor", cfg, bin, "dhcp4")
	check("nestor")
	grant("nestor", 6, 7)
	nes.Stop()

	kea2 := startIn(t, p, "kea-2", cfg, "kea-dhcp4")
	check("kea-dhcp4 after nestor")
	grant("kea-dhcp4 after nestor", 8)
	kea2.Stop()
	for _, bad := range []string{"ROW_ERROR", "LEASE_LOAD_ERROR", "DHCPSRV_MEMFILE_READ_HWADDR_FAIL", "ERROR"} {
		if strings.Contains(kea2.Output(), bad) {
			t.Errorf("Kea 2.2 logged %s reading nestor's lease file:\n%s", bad, kea2.Output())
		}
	}

	nes2 := startIn(t, p, "nestor-2", cfg, bin, "dhcp4")
	check("nestor after kea-dhcp4")
	nes2.Stop()
	if t.Failed() {
		b, _ := os.ReadFile(filepath.Join(p.Dir, "leases4.csv"))
		t.Logf("lease file:\n%s", b)
	}
}

// relayConnAt opens UDP port 67 on addr in the client namespace.
func relayConnAt(t *testing.T, p *testnet.Pair, addr string) *net.UDPConn {
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
		pc, err := lc.ListenPacket(context.Background(), "udp4", addr+":67")
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

// TestCrashKill9UnderLoad kills nestor with SIGKILL while perfdhcp loads
// it (bounded: a fixed number of exchanges at a fixed rate) and a
// recording relay agent on a second address runs DORAs; after a restart
// on the same lease file every lease the recording agent saw
// acknowledged is in the store (a lease is written before its ACK), and
// the file holds at least as many perfdhcp leases as perfdhcp counted
// ACKs.
func TestCrashKill9UnderLoad(t *testing.T) {
	testnet.Require(t, "perfdhcp")
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "s4k9")
	p.AddClientAddrs()
	const recorder = "198.51.100.3"
	p.Client.Run("ip", "addr", "add", recorder+"/24", "dev", p.ClientIface)
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	conf := strings.ReplaceAll(interchangeConfig, "DIR", p.Dir)
	conf = strings.Replace(conf, `"198.51.100.100 - 198.51.100.199"`, `"198.51.100.10 - 198.51.100.250"`, 1)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startIn(t, p, "nestor", cfg, bin, "dhcp4")

	// perfdhcp: at most 400 clients at 100 exchanges/s for at most 8 s.
	var perfOut []byte
	var perfErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		perfOut, perfErr = p.Client.Command("perfdhcp", "-4", "-l", testnet.ClientV4, "-R", "400", "-n", "400",
			"-r", "100", "-p", "8", "-W", "200000", "-t", "1", testnet.ServerV4).CombinedOutput()
	}()

	d := &diffServer{name: "recorder", p: p, conn: relayConnAt(t, p, recorder)}
	acked := map[byte]netip.Addr{}
	// Run until perfdhcp's clients hold at least 50 leases (or 5 s, or
	// 200 clients), so that the kill comes in the middle of its run.
	deadline := time.Now().Add(5 * time.Second)
	for mac := byte(1); mac <= 200 && time.Now().Before(deadline); mac++ {
		if strings.Count(srv.Output(), "DHCP4_LEASE_ALLOC")-len(acked) >= 50 {
			break
		}
		time.Sleep(10 * time.Millisecond)
		xid := 0x7000 + uint32(mac)*4
		off := d.ask(t, recorderQuery(dhcp4.DHCPDISCOVER, mac, xid))
		if off == nil {
			continue
		}
		req := recorderQuery(dhcp4.DHCPREQUEST, mac, xid+1, opt(50, off.YIAddr[:]...), opt(54, 198, 51, 100, 1))
		if ack := d.ask(t, req); ack != nil && ack.MessageType() == dhcp4.DHCPACK {
			acked[mac] = ack.YIAddr.Addr()
		}
	}
	if len(acked) == 0 {
		t.Fatalf("the recording agent got no lease:\n%s", srv.Output())
	}
	if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if perfErr != nil {
		if ee, ok := perfErr.(*exec.ExitError); !ok || ee.ExitCode() > 3 {
			t.Fatalf("perfdhcp: %v\n%s", perfErr, perfOut)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); !srv.Exited() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}

	// Restart on the same file; the store must have every ACKed lease.
	srv2 := startIn(t, p, "nestor-2", cfg, bin, "dhcp4")
	defer srv2.Stop()
	leases := filepath.Join(p.Dir, "leases4.csv")
	for mac, a := range acked {
		row := lastLeaseRow(t, leases, a.String())
		want := fmt.Sprintf("02:00:00:00:cc:%02x", mac)
		if len(row) < 4 || row[1] != want || row[3] == "0" {
			t.Errorf("acknowledged lease %s of %s is not in the file after the crash: %v", a, want, row)
		}
		q := recorderQuery(dhcp4.DHCPREQUEST, mac, 0x9000+uint32(mac))
		q.CIAddr = a.As4()
		r := d.ask(t, q)
		if r == nil || r.MessageType() != dhcp4.DHCPACK || r.YIAddr.Addr() != a {
			t.Errorf("after restart, renewal of %s by %s: %s", a, want, describe(r))
		}
	}
	perfAcks := testnet.PerfdhcpReceived(string(perfOut), "REQUEST-ACK")
	if n := leasesNotOf(t, leases, "02:00:00:00:cc:"); n < perfAcks {
		t.Errorf("perfdhcp counted %d ACKs but the file holds %d of its leases", perfAcks, n)
	}
	t.Logf("recording agent: %d leases acknowledged before the kill; perfdhcp: %d ACKs", len(acked), perfAcks)
	if perfAcks == 0 {
		t.Errorf("perfdhcp got no ACK before the kill:\n%s\nserver:\n%s", perfOut, srv.Output())
	}
}

// recorderQuery is relayed() through the recording agent's address.
func recorderQuery(t dhcp4.MessageType, mac byte, xid uint32, opts ...dhcp4.Option) *dhcp4.Packet {
	q := relayed(t, mac, xid, append([]dhcp4.Option{prl}, opts...)...)
	q.GIAddr = dhcp4.IPv4{198, 51, 100, 3}
	return q
}

// leasesNotOf counts the addresses whose last row is a valid lease of a
// hardware address without the given prefix.
func leasesNotOf(t *testing.T, path, prefix string) int {
	n := 0
	for _, f := range testnet.LastLeaseRows(t, path) {
		if !strings.HasPrefix(f[1], prefix) && f[3] != "0" && f[9] == "0" {
			n++
		}
	}
	return n
}

// TestExtendedInfoReadByKea22: Kea 2.2 reads a lease file in which Nestor
// wrote the extended info in the ARM's (Kea 2.6) map form, and keeps it as
// it is (it stores the user context without looking into it):
// lease4-get answers it unchanged, and nothing is logged as an error.
func TestExtendedInfoReadByKea22(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"); err != nil {
		t.Skip("Kea's libdhcp_lease_cmds.so is not installed")
	}
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "s4xi")
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	text := strings.Replace(interchangeConfig, `"store-extended-info": true,`, `"store-extended-info": true,
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],`, 1)
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(text, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &diffServer{name: "relay", p: p, conn: relayConn(t, p)}
	rai := opt(82, 1, 3, 'p', '-', '9', 2, 3, 1, 2, 3, 12, 2, 0xaa, 0xbb)
	nes := startIn(t, p, "nestor", cfg, bin, "dhcp4")
	off := d.ask(t, relayed(dhcp4.DHCPDISCOVER, 0x41, 0x7001, prl, rai))
	if off == nil || off.MessageType() != dhcp4.DHCPOFFER {
		t.Fatalf("no offer: %s", describe(off))
	}
	ack := d.ask(t, relayed(dhcp4.DHCPREQUEST, 0x41, 0x7002, prl, opt(50, off.YIAddr[:]...), opt(54, 198, 51, 100, 1), rai))
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ack: %s", describe(ack))
	}
	nes.Stop()
	want := `"user-context": { "ISC": { "relay-agent-info": { "relay-id": "AABB", "remote-id": "010203", "sub-options": "0x0103702D390203010203` + `0C02AABB" } } }`
	b, _ := os.ReadFile(filepath.Join(p.Dir, "leases4.csv"))
	if !strings.Contains(string(b), `"relay-id": "AABB"`) {
		t.Fatalf("nestor's lease file has no extended info in the map form:\n%s", b)
	}

	kea := startIn(t, p, "kea", cfg, "kea-dhcp4")
	defer kea.Stop()
	ans := d.command(t, fmt.Sprintf(`{"command": "lease4-get", "arguments": {"ip-address": "%s"}}`, ack.YIAddr.Addr()))
	if !strings.Contains(ans, want) {
		t.Errorf("kea-dhcp4 2.2 lease4-get:\n%s\nwant it to contain\n%s", ans, want)
	}
	if strings.Contains(kea.Output(), "ERROR") {
		t.Errorf("Kea 2.2 logged an error reading nestor's lease file:\n%s", kea.Output())
	}
}
