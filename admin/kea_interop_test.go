package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// keaServer runs a Kea 2.2 server inside a network namespace of its own,
// with no DHCP interfaces, the lease_cmds hook and a control socket.
type keaServer struct {
	sock string
	cmd  *exec.Cmd
	log  string
}

const leaseCmdsHook = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"

func startKea(t *testing.T, family int, leaseDB map[string]any) *keaServer {
	t.Helper()
	bin := fmt.Sprintf("kea-dhcp%d", family)
	if _, err := exec.LookPath(bin); err != nil {
		t.Skipf("%s (Kea 2.2) is not installed", bin)
	}
	if _, err := os.Stat(leaseCmdsHook); err != nil {
		t.Skipf("the lease_cmds hook library is not installed: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	ns := "ndb" + storetest.TestName()[len("nestor_test_"):]
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	dir := t.TempDir()
	s := &keaServer{sock: filepath.Join(dir, "kea.sock"), log: filepath.Join(dir, "kea.log")}
	top := fmt.Sprintf("Dhcp%d", family)
	conf := map[string]any{
		"interfaces-config": map[string]any{"interfaces": []string{}},
		"lease-database":    leaseDB,
		"control-socket":    map[string]any{"socket-type": "unix", "socket-name": s.sock},
		"hooks-libraries":   []any{map[string]any{"library": leaseCmdsHook}},
		"loggers": []any{map[string]any{"name": "kea-dhcp" + fmt.Sprint(family), "severity": "INFO",
			"output_options": []any{map[string]any{"output": s.log}}}},
	}
	if family == 4 {
		conf["subnet4"] = []any{
			map[string]any{"id": 1, "subnet": "198.51.100.0/24"},
			map[string]any{"id": 2, "subnet": "203.0.113.0/24"},
		}
	} else {
		conf["subnet6"] = []any{map[string]any{"id": 1, "subnet": "2001:db8:1::/64"}}
		// The namespace has no interface to build a DUID-LLT from.
		conf["server-id"] = map[string]any{"type": "EN", "enterprise-id": 2495, "identifier": "0102030405", "persist": false}
	}
	b, _ := json.Marshal(map[string]any{top: conf})
	cfgFile := filepath.Join(dir, "kea.json")
	os.WriteFile(cfgFile, b, 0o644)
	s.cmd = exec.Command("ip", "netns", "exec", ns, bin, "-c", cfgFile)
	s.cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	out, _ := os.Create(filepath.Join(dir, "kea.out"))
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	})
	// The control socket opens before the lease database does: wait for
	// the server to report it started.
	started := fmt.Sprintf("DHCP%d_STARTED", family)
	for range 150 {
		log, _ := os.ReadFile(s.log)
		if strings.Contains(string(log), started) {
			return s
		}
		if strings.Contains(string(log), "INIT_FAIL") {
			t.Fatalf("%s failed to start:\n%s", bin, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "kea.out"))
	t.Fatalf("%s did not open its control socket:\n%s", bin, log)
	return nil
}

type keaAnswer struct {
	Result    int             `json:"result"`
	Text      string          `json:"text"`
	Arguments json.RawMessage `json:"arguments"`
}

func (s *keaServer) command(t *testing.T, name string, args any) keaAnswer {
	t.Helper()
	c, err := net.Dial("unix", s.sock)
	if err != nil {
		log, _ := os.ReadFile(s.log)
		t.Fatalf("%v\n%s", err, log)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := map[string]any{"command": name}
	if args != nil {
		req["arguments"] = args
	}
	json.NewEncoder(c).Encode(req)
	b, err := io.ReadAll(c)
	if err != nil && len(b) == 0 {
		log, _ := os.ReadFile(s.log)
		t.Fatalf("%s: %v\n%s", name, err, log)
	}
	var a keaAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, b)
	}
	return a
}

type keaLease struct {
	IP       string `json:"ip-address"`
	HW       string `json:"hw-address"`
	ClientID string `json:"client-id"`
	DUID     string `json:"duid"`
	IAID     uint32 `json:"iaid"`
	Type     string `json:"type"`
	Prefix   int    `json:"prefix-len"`
	CLTT     int64  `json:"cltt"`
	Valid    uint32 `json:"valid-lft"`
	Subnet   uint32 `json:"subnet-id"`
	Hostname string `json:"hostname"`
	State    int    `json:"state"`
	FwdFQDN  bool   `json:"fqdn-fwd"`
}

func keaLeases(t *testing.T, a keaAnswer) []keaLease {
	var args struct {
		Leases []keaLease `json:"leases"`
	}
	if err := json.Unmarshal(a.Arguments, &args); err != nil {
		t.Fatalf("%v: %d %s %s", err, a.Result, a.Text, a.Arguments)
	}
	sort.Slice(args.Leases, func(i, j int) bool {
		return netip.MustParseAddr(args.Leases[i].IP).Less(netip.MustParseAddr(args.Leases[j].IP))
	})
	return args.Leases
}

// TestKeaServerInterop: Nestor creates the schema (Kea 2.2's version) and
// writes leases; Kea 2.2's servers read them with lease4-get-all and
// lease6-get-all; leases Kea adds with lease4-add/lease6-add are read by
// Nestor.
func TestKeaServerInterop(t *testing.T) {
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newTestDB(t, backend)
			if out, code := nestorAdmin(t, append([]string{"db-init", backend}, d.args...)...); code != 0 {
				t.Fatalf("db-init: %s", out)
			}
			sampleLeases(t, d)
			// From inside the namespace only the unix sockets reach the servers.
			ldb := map[string]any{"type": "postgresql", "name": d.cfg.Name, "host": "/var/run/postgresql", "user": "postgres"}
			if backend == "mysql" {
				ldb = map[string]any{"type": "mysql", "name": d.cfg.Name, "host": "localhost", "user": "root"}
				if mysql.SocketPath() != "/run/mysqld/mysqld.sock" && mysql.SocketPath() != "/var/run/mysqld/mysqld.sock" {
					t.Skip("Kea's MySQL client library looks for the server socket elsewhere")
				}
			}
			t.Run("v4", func(t *testing.T) { interop4(t, d, ldb) })
			t.Run("v6", func(t *testing.T) { interop6(t, d, ldb) })
		})
	}
}

func interop4(t *testing.T, d testDB, ldb map[string]any) {
	kea := startKea(t, 4, ldb)
	s4 := d.store4(t)
	ours, _ := s4.AllLeases4()
	got := keaLeases(t, kea.command(t, "lease4-get-all", nil))
	var want []keaLease
	for _, l := range ours {
		want = append(want, keaLease{IP: l.Addr.String(), HW: l.HWAddr.String(), ClientID: lease.FormatHex(l.ClientID),
			CLTT: l.CLTT, Valid: l.ValidLifetime, Subnet: l.SubnetID, Hostname: l.Hostname, State: int(l.State), FwdFQDN: l.FQDNFwd})
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) != 5 {
		t.Errorf("Kea's lease4-get-all of Nestor's leases (-nestor +kea)\n%s", diff)
	}
	a := kea.command(t, "lease4-add", map[string]any{"ip-address": "198.51.100.200", "hw-address": "1a:1b:1c:1d:1e:1f",
		"client-id": "01:02:03:04", "subnet-id": 1, "valid-lft": 7200, "hostname": "kea-added.example.org",
		"user-context": map[string]any{"from": "kea"}})
	if a.Result != 0 {
		t.Fatalf("lease4-add: %+v", a)
	}
	l, err := s4.Lease4(netip.MustParseAddr("198.51.100.200"))
	if err != nil {
		t.Fatal(err)
	}
	if l.HWAddr.String() != "1a:1b:1c:1d:1e:1f" || lease.FormatHex(l.ClientID) != "01:02:03:04" || l.ValidLifetime != 7200 ||
		l.SubnetID != 1 || l.Hostname != "kea-added.example.org" || time.Since(time.Unix(l.CLTT, 0)) > time.Minute ||
		!strings.Contains(string(l.UserContext), `"from"`) {
		t.Errorf("Nestor read Kea's lease as %+v (user context %s)", l, l.UserContext)
	}
	// A change Nestor makes is what Kea reads next.
	l.Hostname = "changed-by-nestor"
	if err := s4.UpdateLease4(l); err != nil {
		t.Fatal(err)
	}
	a = kea.command(t, "lease4-get", map[string]any{"ip-address": "198.51.100.200"})
	if !strings.Contains(string(a.Arguments), "changed-by-nestor") {
		t.Errorf("Kea's lease4-get after Nestor's update: %s", a.Arguments)
	}
}

func interop6(t *testing.T, d testDB, ldb map[string]any) {
	kea := startKea(t, 6, ldb)
	s6 := d.store6(t)
	ours, _ := s6.AllLeases6()
	got := keaLeases(t, kea.command(t, "lease6-get-all", nil))
	var want []keaLease
	for _, l := range ours {
		plen := 0 // Kea shows prefix-len for prefixes only
		if l.Type == lease.TypePD {
			plen = int(l.PrefixLen)
		}
		want = append(want, keaLease{IP: l.Addr.String(), DUID: lease.FormatHex(l.DUID), IAID: l.IAID, Type: l.Type.String(),
			Prefix: plen, HW: l.HWAddr.String(), CLTT: l.CLTT, Valid: l.ValidLifetime, Subnet: l.SubnetID,
			Hostname: l.Hostname, State: int(l.State), FwdFQDN: l.FQDNFwd})
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) != 12 {
		t.Errorf("Kea's lease6-get-all of Nestor's leases (-nestor +kea)\n%s", diff)
	}
	a := kea.command(t, "lease6-add", map[string]any{"ip-address": "2001:db8:1::200", "duid": "01:02:03:04:05:06",
		"iaid": 4000000000, "subnet-id": 1, "preferred-lft": 1800, "valid-lft": 3600, "hw-address": "aa:bb:cc:dd:ee:ff"})
	if a.Result != 0 {
		t.Fatalf("lease6-add: %+v", a)
	}
	l, err := s6.Lease6(lease.TypeNA, netip.MustParseAddr("2001:db8:1::200"))
	if err != nil {
		t.Fatal(err)
	}
	if lease.FormatHex(l.DUID) != "01:02:03:04:05:06" || l.IAID != 4000000000 || l.PreferredLifetime != 1800 ||
		l.ValidLifetime != 3600 || l.HWAddr.String() != "aa:bb:cc:dd:ee:ff" || l.PrefixLen != 128 || l.Type != lease.TypeNA {
		t.Errorf("Nestor read Kea's lease as %+v", l)
	}
}
