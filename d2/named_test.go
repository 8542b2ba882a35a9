package d2

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// The TSIG keys the test name server takes updates with: k1 (HMAC-SHA256,
// full length) for the forward zone example.org and the reverse zones,
// k2 (HMAC-SHA512 truncated to 256 bits) for example.com.
const (
	testSecret1 = "LSWXnfkKZjdPJI5QxlpnfQ=="
	testSecret2 = "dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IGZvciBrMiBrZXk="
)

// testZones are the zones named serves: forward, IPv4 and IPv6 reverse.
var testZones = []string{"example.org.", "example.com.", "100.51.198.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."}

// named is a BIND 9 name server the test started on loopback.
type named struct {
	addr string // 127.0.0.1:port
	dir  string
	cmd  *exec.Cmd
}

// freePort returns a port free for both UDP and TCP on 127.0.0.1 (at the
// moment of asking).
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		u, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		p := u.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", p))
		u.Close()
		if err == nil {
			l.Close()
			return p
		}
	}
	t.Fatal("no free port")
	return 0
}

// startNamed runs named in the foreground with its own configuration and
// zones in a temporary directory, listening on 127.0.0.1 only, and stops
// it (by PID) when the test ends.
func startNamed(t *testing.T) *named {
	t.Helper()
	if _, err := exec.LookPath("named"); err != nil {
		t.Skip("named (bind9) is not installed")
	}
	dir := t.TempDir()
	port := freePort(t)
	confPath := writeNamedConfig(t, dir, port)
	logf, err := os.Create(filepath.Join(dir, "named.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("named", "-g", "-n", "1", "-c", confPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &named{addr: fmt.Sprintf("127.0.0.1:%d", port), dir: dir, cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "named.log"))
			t.Logf("named log:\n%s", b)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, "named.log"))
		if namedRunning.MatchString(string(b)) {
			break
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("named did not start:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return n
}

// zone returns a zone's records (AXFR) as sorted text lines, without the
// SOA and NS records, with the given TTLs kept.
func (n *named) zone(t *testing.T, zone string) []string {
	t.Helper()
	tr := &dns.Transfer{}
	m := new(dns.Msg)
	m.SetAxfr(zone)
	ch, err := tr.In(m, n.addr)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[string]bool{}
	for env := range ch {
		if env.Error != nil {
			t.Fatal(env.Error)
		}
		for _, rr := range env.RR {
			switch rr.Header().Rrtype {
			case dns.TypeSOA, dns.TypeNS:
				continue
			}
			if rr.Header().Name == "ns.example.org." {
				continue
			}
			s := strings.ReplaceAll(rr.String(), "\t", " ")
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// allZones is every zone's records.
func (n *named) allZones(t *testing.T) []string {
	var out []string
	for _, z := range testZones {
		out = append(out, n.zone(t, z)...)
	}
	return out
}

// writeNamedConfig writes named.conf and the zone files into dir for a
// server listening on 127.0.0.1:port; it returns the configuration's path.
func writeNamedConfig(t *testing.T, dir string, port int) string {
	t.Helper()
	var zones strings.Builder
	for _, z := range testZones {
		key := "k1"
		if z == "example.com." {
			key = "k2"
		}
		name := strings.TrimSuffix(z, ".")
		file := name + ".db"
		soa := "$TTL 3600\n@ IN SOA ns.example.org. admin.example.org. 1 3600 600 86400 60\n@ IN NS ns.example.org.\n"
		if z == "example.org." {
			soa += "ns IN A 203.0.113.53\n"
		}
		if err := os.WriteFile(filepath.Join(dir, file), []byte(soa), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&zones, "zone %q { type primary; file %q; allow-update { key %s; }; allow-transfer { any; }; };\n", name, file, key)
	}
	conf := fmt.Sprintf(`options {
	directory %q;
	pid-file %q;
	session-keyfile %q;
	listen-on port %d { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify no;
};
controls { };
key "k1" { algorithm hmac-sha256; secret %q; };
key "k2" { algorithm hmac-sha512-256; secret %q; };
%s`, dir, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"), port, testSecret1, testSecret2, zones.String())
	confPath := filepath.Join(dir, "named.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return confPath
}

// namedRunning matches the line named logs once it serves ("... running";
// not the "running on Linux" line at start).
var namedRunning = regexp.MustCompile(`(?m) running$`)
