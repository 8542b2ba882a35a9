package d2

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/klog"
)

// updateProxy relays DNS messages between D2 and named and records the
// requests, so that the updates two D2s send can be compared.
type updateProxy struct {
	conn     *net.UDPConn
	upstream *net.UDPAddr
	mu       sync.Mutex
	reqs     []*dns.Msg
}

func startProxy(t *testing.T, upstream string) *updateProxy {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	up, err := net.ResolveUDPAddr("udp4", upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &updateProxy{conn: c, upstream: up}
	t.Cleanup(func() { c.Close() })
	go p.serve()
	return p
}

func (p *updateProxy) addr() string { return p.conn.LocalAddr().String() }

func (p *updateProxy) serve() {
	buf := make([]byte, 65536)
	for {
		n, from, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		q := append([]byte(nil), buf[:n]...)
		m := new(dns.Msg)
		if m.Unpack(q) == nil {
			p.mu.Lock()
			p.reqs = append(p.reqs, m)
			p.mu.Unlock()
		}
		go func() {
			u, err := net.DialUDP("udp4", nil, p.upstream)
			if err != nil {
				return
			}
			defer u.Close()
			if _, err := u.Write(q); err != nil {
				return
			}
			_ = u.SetReadDeadline(time.Now().Add(5 * time.Second))
			rb := make([]byte, 65536)
			rn, err := u.Read(rb)
			if err != nil {
				return
			}
			_, _ = p.conn.WriteToUDP(rb[:rn], from)
		}()
	}
}

// take returns the requests recorded since the last call, as text without
// the message ID and the TSIG record.
func (p *updateProxy) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.reqs {
		out = append(out, updateText(m))
	}
	p.reqs = nil
	return out
}

func updateText(m *dns.Msg) string {
	var b strings.Builder
	tsig := ""
	if t := m.IsTsig(); t != nil {
		tsig = fmt.Sprintf(" tsig=%s/%s/%dbytes", t.Hdr.Name, t.Algorithm, len(t.MAC)/2)
	}
	fmt.Fprintf(&b, "opcode=%s zone=%v%s\n", dns.OpcodeToString[m.Opcode], m.Question, tsig)
	for _, rr := range m.Answer {
		b.WriteString("  prereq " + strings.ReplaceAll(rr.String(), "\t", " ") + "\n")
	}
	for _, rr := range m.Ns {
		b.WriteString("  update " + strings.ReplaceAll(rr.String(), "\t", " ") + "\n")
	}
	return b.String()
}

// d2Config is the DhcpDdns configuration the tests give both daemons.
func d2Config(ncrPort int, dnsAddr, sockPath string) string {
	host, port, _ := net.SplitHostPort(dnsAddr)
	srv := fmt.Sprintf(`[ { "ip-address": %q, "port": %s } ]`, host, port)
	return fmt.Sprintf(`{ "DhcpDdns": {
  "ip-address": "127.0.0.1", "port": %d, "dns-server-timeout": 1000,
  "control-socket": { "socket-type": "unix", "socket-name": %q },
  "tsig-keys": [
    { "name": "k1", "algorithm": "HMAC-SHA256", "secret": %q },
    { "name": "k2", "algorithm": "HMAC-SHA512", "digest-bits": 256, "secret": %q } ],
  "forward-ddns": { "ddns-domains": [
    { "name": "example.org.", "key-name": "k1", "dns-servers": %s },
    { "name": "example.com.", "key-name": "k2", "dns-servers": %s } ] },
  "reverse-ddns": { "ddns-domains": [
    { "name": "100.51.198.in-addr.arpa.", "key-name": "k1", "dns-servers": %s },
    { "name": "8.b.d.0.1.0.0.2.ip6.arpa.", "key-name": "k1", "dns-servers": %s } ] },
  "loggers": [ { "name": "kea-dhcp-ddns", "severity": "DEBUG", "debuglevel": 99, "output_options": [ { "output": "stdout" } ] } ]
} }`, ncrPort, sockPath, testSecret1, testSecret2, srv, srv, srv, srv)
}

// d2proc is a kea-dhcp-ddns process (Kea's or Nestor's) the test runs.
type d2proc struct {
	cmd    *exec.Cmd
	log    string
	done   int // transactions finished so far
	logged int // log lines takeLog has seen
}

var outcomeRE = regexp.MustCompile(`DHCP_DDNS_(ADD|REMOVE)_(SUCCEEDED|FAILED)`)

func startD2(t *testing.T, bin string, cfg string) *d2proc {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "d2.json")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "d2.log")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &d2proc{cmd: cmd, log: logPath}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		lf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("%s log:\n%s", bin, b)
		}
	})
	p.waitLog(t, "DHCP_DDNS_STARTED")
	return p
}

// takeLog returns the DHCP_DDNS_ log lines since the last call without
// their time, logger and the DNS server's address.
func (p *d2proc) takeLog(server string) string {
	lines := strings.Split(p.output(), "\n")
	host, port, _ := net.SplitHostPort(server)
	var out []string
	keep := false
	for _, l := range lines[p.logged:] {
		if !strings.HasPrefix(l, "20") {
			// A continuation of a multi-line message.
			if keep {
				out = append(out, l)
			}
			continue
		}
		i := strings.Index(l, "] DHCP_DDNS_")
		keep = i >= 0 && !strings.Contains(l, "QUEUE_MGR_STARTED") && !strings.Contains(l, "DHCP_DDNS_STARTED") &&
			!strings.Contains(l, "DHCP_DDNS_CONFIGURE") && !strings.Contains(l, "QUEUE_MGR_RECONFIGURING")
		if !keep {
			continue
		}
		l = strings.ReplaceAll(l[i+2:], host, "HOST")
		out = append(out, strings.ReplaceAll(l, port, "PORT"))
	}
	p.logged = len(lines) - 1
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

func (p *d2proc) output() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func (p *d2proc) waitLog(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.output(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not in the log:\n%s", what, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send sends an NCR and waits until the daemon logged the transaction's
// outcome; it returns the outcome's message ID.
func (p *d2proc) send(t *testing.T, port int, r *ncr.Request) string {
	t.Helper()
	sendNCR(t, port, r.Marshal())
	p.done++
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := outcomeRE.FindAllString(p.output(), -1)
		if len(m) >= p.done {
			return m[p.done-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no outcome for %s:\n%s", r, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sendNCR(t *testing.T, port int, b []byte) {
	t.Helper()
	c, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
}

var (
	buildOnce sync.Once
	nestorBin string
	buildErr  error
)

// nestorD2 builds the nestor binary once and returns a kea-dhcp-ddns link
// to it.
func nestorD2(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nestor-d2-bin")
		if err != nil {
			buildErr = err
			return
		}
		bin := filepath.Join(dir, "nestor")
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/nestor").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%v: %s", err, out)
			return
		}
		nestorBin = filepath.Join(dir, "kea-dhcp-ddns")
		buildErr = os.Symlink(bin, nestorBin)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return nestorBin
}

// scenario is a list of NCRs with the conflict-resolution mode of the run.
func scenario(mode string) []*ncr.Request {
	exp := time.Now().Add(time.Hour).Unix()
	mk := func(typ ncr.ChangeType, fqdn, ip string, id byte) *ncr.Request {
		duid := []byte{0, 3, 0, 1, 2, 0, 0, 0, 0xaa, id}
		var dhcid []byte
		if strings.Contains(ip, ":") {
			dhcid = ncr.DHCID6(duid, fqdn)
		} else {
			dhcid = ncr.DHCID4HW(1, duid[4:], fqdn)
		}
		r := &ncr.Request{Type: typ, Forward: true, Reverse: true, FQDN: fqdn, IPAddress: ip, DHCID: dhcid,
			LeaseExpiresOn: exp, LeaseLength: 1300, UseConflictResolution: mode == ncr.CheckWithDHCID, Mode: ""}
		return r
	}
	return []*ncr.Request{
		mk(ncr.Add, "host1.example.org.", "198.51.100.10", 1),
		// The same client again (renewal): replace.
		mk(ncr.Add, "host1.example.org.", "198.51.100.10", 1),
		// Another client claims the name.
		mk(ncr.Add, "host1.example.org.", "198.51.100.11", 2),
		mk(ncr.Add, "host6.example.com.", "2001:db8:1::10", 3),
		mk(ncr.Remove, "host1.example.org.", "198.51.100.11", 2),
		mk(ncr.Remove, "host1.example.org.", "198.51.100.10", 1),
		mk(ncr.Remove, "host6.example.com.", "2001:db8:1::10", 3),
	}
}

// TestDifferentialKea runs the same NCRs through Kea 2.2's kea-dhcp-ddns
// and Nestor's, each against its own named behind a recording proxy, and
// compares the DNS UPDATE messages, the transaction outcomes and the zone
// contents after every request (Kea 2.2's NCRs carry
// use-conflict-resolution: true and false).
func TestDifferentialKea(t *testing.T) {
	const kea = "/usr/sbin/kea-dhcp-ddns"
	if _, err := os.Stat(kea); err != nil {
		t.Skip("Kea's kea-dhcp-ddns is not installed")
	}
	nestor := nestorD2(t)
	for _, mode := range []string{ncr.CheckWithDHCID, ncr.NoCheckWithDHCID} {
		t.Run(mode, func(t *testing.T) {
			type side struct {
				name  string
				ns    *named
				proxy *updateProxy
				d2    *d2proc
				port  int
			}
			var sides []*side
			for _, bin := range []string{kea, nestor} {
				s := &side{name: bin, ns: startNamed(t)}
				s.proxy = startProxy(t, s.ns.addr)
				s.port = freePort(t)
				s.d2 = startD2(t, bin, d2Config(s.port, s.proxy.addr(), filepath.Join(t.TempDir(), "d2.sock")))
				sides = append(sides, s)
			}
			for i, r := range scenario(mode) {
				var outs, zones, ups [2]string
				for j, s := range sides {
					outs[j] = s.d2.send(t, s.port, r)
					zones[j] = strings.Join(s.ns.allZones(t), "\n")
					ups[j] = strings.Join(s.proxy.take(), "")
				}
				if outs[0] != outs[1] {
					t.Errorf("request %d (%s): Kea %s, Nestor %s", i, r, outs[0], outs[1])
				}
				if ups[0] != ups[1] {
					t.Errorf("request %d (%s): updates differ\nKea:\n%s\nNestor:\n%s", i, r, ups[0], ups[1])
				}
				var logs [2]string
				for j, s := range sides {
					logs[j] = s.d2.takeLog(s.proxy.addr())
				}
				if logs[0] != logs[1] {
					t.Errorf("request %d (%s): logs differ\nKea:\n%s\nNestor:\n%s", i, r, logs[0], logs[1])
				}
				if zones[0] != zones[1] {
					t.Errorf("request %d (%s): zones differ\nKea:\n%s\nNestor:\n%s", i, r, zones[0], zones[1])
				}
			}
		})
	}
}

// TestUpdatesAgainstNamed drives Nestor's D2 in process against named for
// every conflict-resolution mode: adds put A/AAAA, PTR and DHCID records
// in the zones with the lease length as TTL, removes take them away, a
// second client cannot take a name another holds (check-with-dhcid), and
// malformed NCRs are counted as ncr-invalid while the daemon keeps serving.
func TestUpdatesAgainstNamed(t *testing.T) {
	ns := startNamed(t)
	for _, mode := range []string{ncr.CheckWithDHCID, ncr.NoCheckWithDHCID, ncr.CheckExistsWithDHCID, ncr.NoCheckWithoutDHCID} {
		t.Run(mode, func(t *testing.T) {
			s := newTestServer(t, ns.addr)
			port := s.Addr().Port
			received := int64(0)
			run := func(r *ncr.Request) {
				r.Mode = mode
				sendNCR(t, port, r.Marshal())
				received++
				waitDone(t, s, received)
			}
			reqs := scenario(mode)
			run(reqs[0])
			z := ns.allZones(t)
			want := []string{"host1.example.org. 1300 IN A 198.51.100.10", "10.100.51.198.in-addr.arpa. 1300 IN PTR host1.example.org."}
			for _, w := range want {
				if !contains(z, w) {
					t.Errorf("after add: %q missing in\n%s", w, strings.Join(z, "\n"))
				}
			}
			withDHCID := mode != ncr.NoCheckWithoutDHCID
			if got := countType(z, "DHCID"); (got == 2) != withDHCID {
				t.Errorf("after add: %d DHCID records:\n%s", got, strings.Join(z, "\n"))
			}
			// Another client claims host1.
			run(reqs[2])
			z = ns.allZones(t)
			owned := contains(z, "host1.example.org. 1300 IN A 198.51.100.10") && !contains(z, "host1.example.org. 1300 IN A 198.51.100.11")
			if (mode == ncr.CheckWithDHCID) != owned {
				t.Errorf("mode %s, second client: zone\n%s", mode, strings.Join(z, "\n"))
			}
			run(reqs[3])
			z = ns.allZones(t)
			if !contains(z, "host6.example.com. 1300 IN AAAA 2001:db8:1::10") ||
				!contains(z, "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 1300 IN PTR host6.example.com.") {
				t.Errorf("v6 add:\n%s", strings.Join(z, "\n"))
			}
			// Garbage is counted and does not stop the daemon.
			sendNCR(t, port, []byte{0, 3, '{', 'x', '}'})
			sendNCR(t, port, []byte("\x00\x02{}"))
			for _, r := range []*ncr.Request{reqs[4], reqs[5], reqs[6]} {
				run(r)
			}
			if z = ns.allZones(t); len(z) != 0 {
				t.Errorf("after removes:\n%s", strings.Join(z, "\n"))
			}
			st := s.Stats()
			for name, want := range map[string]int64{"ncr-invalid": 2, "ncr-received": 6, "update-error": 0, "update-timeout": 0} {
				if smp, _ := st.Get(name); smp.Int != want {
					t.Errorf("%s = %d, want %d", name, smp.Int, want)
				}
			}
			sent, _ := st.Get("update-sent")
			signed, _ := st.Get("update-signed")
			k2, _ := st.Get("key[k2].update-success")
			if sent.Int == 0 || signed.Int != sent.Int || k2.Int == 0 {
				t.Errorf("update-sent %d, update-signed %d, key[k2].update-success %d", sent.Int, signed.Int, k2.Int)
			}
		})
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func countType(l []string, typ string) int {
	n := 0
	for _, x := range l {
		if strings.Contains(x, " IN "+typ+" ") {
			n++
		}
	}
	return n
}

// waitDone waits until the server received n NCRs and has none queued or
// in progress.
func waitDone(t *testing.T, s *Server, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, _ := s.Stats().Get("ncr-received")
		if got.Int >= n && s.Idle() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("D2 did not finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newTestServer runs a D2 server in process on an ephemeral NCR port with
// d2Config's domains and keys pointing at dnsAddr.
func newTestServer(t *testing.T, dnsAddr string) *Server {
	t.Helper()
	cfg, err := config.ParseDhcpDdns("<test>", []byte(d2Config(0, dnsAddr, filepath.Join(t.TempDir(), "s"))))
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(klog.NewLogger("dhcpddns"), nil)
	if err := s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
