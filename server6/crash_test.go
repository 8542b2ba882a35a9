package server6

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

const crashConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405060708", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "IFACE",
    "pools": [{"pool": "2001:db8:1::1000-2001:db8:1::1fff"}]}]}}`

// recorderDUID is the DUID prefix of the recording relay's clients
// (perfdhcp's are DUID-LLT, 00:01:...).
const recorderDUID = "00:03:00:01:02:00:00:00:00:"

// TestCrashKill9UnderLoad6: nestor dhcp6 is killed with SIGKILL while
// perfdhcp -6 runs (bounded: at most 400 clients at 100 exchanges/s for at
// most 8 s) and a recording relay agent does SOLICIT/REQUEST for clients of
// its own. After a restart on the same lease file every lease the
// recording agent saw in a REPLY is there (and renewed by its client), and
// the file holds at least as many of perfdhcp's leases as perfdhcp counted
// REPLYs: a REPLY never leaves before its lease is written (server4's
// TestCrashKill9UnderLoad for DHCPv6).
func TestCrashKill9UnderLoad6(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "perfdhcp")
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "s6k9")
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp6.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(crashConfig6)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	run := func(name string) *testnet.Proc {
		srv := p.Server.Start(p.Dir, name, env, bin, "dhcp6", "-c", cfg)
		if err := srv.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
			t.Fatalf("%s did not start: %v\n%s", name, err, srv.Output())
		}
		return srv
	}
	srv := run("nestor")
	// Wait for DAD on the client's link-local address (perfdhcp sends
	// from it).
	time.Sleep(2 * time.Second)

	var perfOut []byte
	var perfErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		perfOut, perfErr = p.Client.Command("perfdhcp", "-6", "-l", p.ClientIface, "-R", "400", "-n", "400",
			"-r", "100", "-p", "8", "-W", "200000", "-t", "1").CombinedOutput()
	}()

	d := &diffServer6{name: "recorder", p: p, conn: relayConn6(t, p)}
	acked := map[byte]netip.Addr{}
	// Run until perfdhcp's clients hold at least 50 leases (or 5 s, or
	// 200 clients), so that the kill comes in the middle of its run.
	deadline := time.Now().Add(5 * time.Second)
	for c := byte(1); c <= 200 && time.Now().Before(deadline); c++ {
		if strings.Count(srv.Output(), "DHCP6_LEASE_ALLOC")-len(acked) >= 50 {
			break
		}
		time.Sleep(10 * time.Millisecond)
		xid := 0x7000 + uint32(c)*4
		q := query6{t: dhcp6.MsgSolicit, client: c, xid: xid, ias: []ia6{na(1)}}
		adv := d.ask(t, q.encode(t), xid)
		got := leased(adv, false, 1)
		if len(got) == 0 {
			continue
		}
		q = query6{t: dhcp6.MsgRequest, client: c, xid: xid + 1, server: true, ias: []ia6{na(1, got...)}}
		rep := d.ask(t, q.encode(t), xid+1)
		if got := leased(rep, false, 1); rep != nil && rep.MsgType == dhcp6.MsgReply && len(got) == 1 {
			acked[c] = got[0].Addr()
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

	// Restart on the same file; the store must have every acknowledged
	// lease.
	srv2 := run("nestor-2")
	defer srv2.Stop()
	leases := filepath.Join(p.Dir, "leases6.csv")
	rows := testnet.LastLeaseRows(t, leases)
	for c, a := range acked {
		row := rows[a.String()]
		want := fmt.Sprintf("%s%02x", recorderDUID, c)
		if len(row) < 14 || row[1] != want || row[2] == "0" || row[13] != "0" {
			t.Errorf("acknowledged lease %s of %s is not in the file after the crash: %v", a, want, row)
		}
		xid := 0x9000 + uint32(c)
		q := query6{t: dhcp6.MsgRenew, client: c, xid: xid, server: true, ias: []ia6{na(1, netip.PrefixFrom(a, 128))}}
		r := d.ask(t, q.encode(t), xid)
		if got := leased(r, false, 1); r == nil || len(got) != 1 || got[0].Addr() != a {
			t.Errorf("after restart, renewal of %s by %s: %s", a, want, describe6(r))
		}
	}
	perfReplies := testnet.PerfdhcpReceived(string(perfOut), "REQUEST-REPLY")
	n := 0
	for _, f := range rows {
		if len(f) > 13 && !strings.HasPrefix(f[1], recorderDUID) && f[2] != "0" && f[13] == "0" {
			n++
		}
	}
	if n < perfReplies {
		t.Errorf("perfdhcp counted %d REPLYs but the file holds %d of its leases", perfReplies, n)
	}
	t.Logf("recording agent: %d leases acknowledged before the kill; perfdhcp: %d REPLYs, %d of its leases in the file", len(acked), perfReplies, n)
	if perfReplies == 0 {
		t.Errorf("perfdhcp got no REPLY before the kill:\n%s\nserver:\n%s", perfOut, srv.Output())
	}
}
