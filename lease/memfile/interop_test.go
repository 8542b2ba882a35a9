package memfile

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

const leaseCmdsHook = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"

// keaServer runs Debian's Kea 2.2 daemon in a network namespace of its own
// (no interfaces configured: only the lease file and the control socket
// are used) and answers control commands.
type keaServer struct {
	sock string
	cmd  *exec.Cmd
}

func startKea(t *testing.T, daemon, family, leaseFile, extra string) *keaServer {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	for _, bin := range []string{"ip", daemon, "kea-lfc"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (Debian packages iproute2, kea-dhcp4-server, kea-dhcp6-server)", bin)
		}
	}
	if _, err := os.Stat(leaseCmdsHook); err != nil {
		t.Skip("lease_cmds hook library not installed (Debian package kea-common)")
	}
	ns := fmt.Sprintf("nlease-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("cannot create network namespace: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	dir := t.TempDir()
	k := &keaServer{sock: filepath.Join(dir, "kea.sock")}
	cfg := fmt.Sprintf(`{"Dhcp%s": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": %q},
  "lease-database": {"type": "memfile", "name": %q, "lfc-interval": 0},
  "hooks-libraries": [{"library": %q}],
  %s
  "loggers": [{"name": "kea-dhcp%s", "severity": "INFO", "output_options": [{"output": %q}]}]
}}`, family, k.sock, leaseFile, leaseCmdsHook, extra, family, filepath.Join(dir, "kea.log"))
	cfgPath := filepath.Join(dir, "kea.json")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	k.cmd = exec.Command("ip", "netns", "exec", ns, daemon, "-c", cfgPath)
	k.cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	k.cmd.Stdout, k.cmd.Stderr = io.Discard, io.Discard
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.stop)
	for range 100 {
		if _, err := os.Stat(k.sock); err == nil {
			return k
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "kea.log"))
	t.Fatalf("%s did not open its control socket in 10 s; log:\n%s", daemon, log)
	return nil
}

func (k *keaServer) stop() {
	if k.cmd.Process != nil && k.cmd.ProcessState == nil {
		k.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { k.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			k.cmd.Process.Kill()
			<-done
		}
	}
}

func (k *keaServer) leases(t *testing.T, command string) []keaLease {
	t.Helper()
	c, err := net.Dial("unix", k.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, `{"command": %q}`, command)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Result    int    `json:"result"`
		Text      string `json:"text"`
		Arguments struct {
			Leases []keaLease `json:"leases"`
		} `json:"arguments"`
	}
	if err := json.Unmarshal(b, &ans); err != nil || ans.Result != 0 {
		t.Fatalf("%s: %v: %s", command, err, b)
	}
	return ans.Arguments.Leases
}

// keaLease holds the fields of Kea's lease4-get-all/lease6-get-all answers.
type keaLease struct {
	IPAddress   string          `json:"ip-address"`
	HWAddress   string          `json:"hw-address"`
	ClientID    string          `json:"client-id"`
	DUID        string          `json:"duid"`
	IAID        uint32          `json:"iaid"`
	Type        string          `json:"type"`
	PrefixLen   uint8           `json:"prefix-len"`
	ValidLft    uint32          `json:"valid-lft"`
	PreferredLf uint32          `json:"preferred-lft"`
	CLTT        int64           `json:"cltt"`
	SubnetID    uint32          `json:"subnet-id"`
	FQDNFwd     bool            `json:"fqdn-fwd"`
	FQDNRev     bool            `json:"fqdn-rev"`
	Hostname    string          `json:"hostname"`
	State       uint32          `json:"state"`
	UserContext json.RawMessage `json:"user-context"`
}

func normJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	json.Unmarshal(raw, &v)
	b, _ := json.Marshal(v)
	return string(b)
}

func fromLease4(l *lease.Lease4) keaLease {
	return keaLease{IPAddress: l.Addr.String(), HWAddress: l.HWAddr.String(), ClientID: lease.FormatHex(l.ClientID),
		ValidLft: l.ValidLifetime, CLTT: l.CLTT, SubnetID: l.SubnetID, FQDNFwd: l.FQDNFwd, FQDNRev: l.FQDNRev,
		Hostname: l.Hostname, State: uint32(l.State), UserContext: json.RawMessage(normJSON(l.UserContext))}
}

func fromLease6(l *lease.Lease6) keaLease {
	k := keaLease{IPAddress: l.Addr.String(), HWAddress: l.HWAddr.String(), DUID: lease.FormatHex(l.DUID), IAID: l.IAID,
		Type: l.Type.String(), ValidLft: l.ValidLifetime, PreferredLf: l.PreferredLifetime, CLTT: l.CLTT,
		SubnetID: l.SubnetID, FQDNFwd: l.FQDNFwd, FQDNRev: l.FQDNRev, Hostname: l.Hostname, State: uint32(l.State),
		UserContext: json.RawMessage(normJSON(l.UserContext))}
	if l.Type == lease.TypePD {
		k.PrefixLen = l.PrefixLen
	}
	return k
}

func normKea(ks []keaLease) []keaLease {
	for i := range ks {
		ks[i].UserContext = json.RawMessage(normJSON(ks[i].UserContext))
	}
	return ks
}

var cmpRaw = cmp.Comparer(func(x, y json.RawMessage) bool { return normJSON(x) == normJSON(y) })

// TestInteropKea4 writes leases with Nestor, has Kea 2.2 start on the file
// and list them, then starts Nestor on the files Kea left (converted to
// Kea 2.2's schema by its kea-lfc) and checks nothing changed.
func TestInteropKea4(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s, err := Open4(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	for i := 1; i <= 6; i++ {
		l := lease4(i)
		l.CLTT, l.SubnetID, l.PoolID = now, 1, 3
		switch i {
		case 2:
			l.Hostname, l.FQDNFwd, l.FQDNRev = "comma,and&amp.example.org", true, true
			l.UserContext = []byte(`{"ISC":{"relay-agent-info":{"sub-options":"0x0104AABBCCDD","remote-id":"AABBCCDD"}},"note":"x, y"}`)
		case 3:
			l.HWAddr, l.ClientID, l.State = lease.HWAddr{}, nil, lease.StateDeclined
		case 4:
			l.State, l.CLTT = lease.StateExpiredReclaimed, now-7200
		case 5:
			l.ValidLifetime = lease.InfiniteLifetime
		}
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	s.DeleteLease4(lease4(6).Addr)
	ours, _ := s.AllLeases4()
	s.Close()
	var want []keaLease
	for _, l := range ours {
		want = append(want, fromLease4(l))
	}

	k := startKea(t, "kea-dhcp4", "4", name,
		`"subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.1-198.51.100.200"}]}],`)
	got := normKea(k.leases(t, "lease4-get-all"))
	if d := cmp.Diff(want, got, cmpRaw); d != "" {
		t.Errorf("Kea 2.2 on Nestor's file (-Nestor +Kea)\n%s", d)
	}
	time.Sleep(500 * time.Millisecond) // Kea's conversion by kea-lfc runs in the background
	k.stop()

	back, err := Open4(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	again, _ := back.AllLeases4()
	for _, l := range again {
		l.PoolID = 3 // Kea 2.2 does not keep pool ids
	}
	if d := cmp.Diff(ours, again, cmpIP, cmpRaw); d != "" {
		t.Errorf("Nestor on Kea's files (-before +after)\n%s", d)
	}
}

// TestInteropKea6 is TestInteropKea4 for DHCPv6 leases and kea-dhcp6.
func TestInteropKea6(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases6.csv")
	s, err := Open6(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	for i := 1; i <= 5; i++ {
		typ := lease.TypeNA
		if i == 4 {
			typ = lease.TypePD
		}
		l := lease6(i, typ)
		l.CLTT = now
		switch i {
		case 1:
			l.Hostname, l.HWAddr = "six,host.example.org", lease.HWAddr{Bytes: []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}, Type: 1}
			l.UserContext = []byte(`{"ISC":{"relay-info":[{"hop":0,"link":"2001:db8:1::1","peer":"fe80::1","options":"0x00250004AABBCCDD","remote-id":"AABBCCDD"}]}}`)
		case 2:
			l.DUID, l.State = lease.EmptyDUID, lease.StateDeclined
		case 3:
			l.State = lease.StateExpiredReclaimed
		}
		if err := s.AddLease6(l); err != nil {
			t.Fatal(err)
		}
	}
	s.DeleteLease6(lease6(5, 0).Addr)
	ours, _ := s.AllLeases6()
	s.Close()
	var want []keaLease
	for _, l := range ours {
		want = append(want, fromLease6(l))
	}
	k := startKea(t, "kea-dhcp6", "6", name,
		`"server-id": {"type": "LL", "htype": 1, "identifier": "0a0b0c0d0e0f", "persist": false},
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/80"}],
    "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}]}],`)
	got := normKea(k.leases(t, "lease6-get-all"))
	if d := cmp.Diff(want, got, cmpRaw); d != "" {
		t.Errorf("Kea 2.2 on Nestor's file (-Nestor +Kea)\n%s", d)
	}
	time.Sleep(500 * time.Millisecond)
	k.stop()
	back, err := Open6(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	again, _ := back.AllLeases6()
	if d := cmp.Diff(ours, again, cmpIP, cmpRaw); d != "" {
		t.Errorf("Nestor on Kea's files (-before +after)\n%s", d)
	}
}
