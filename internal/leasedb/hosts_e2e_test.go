package leasedb_test

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// insertHost writes a reservation the way Kea 2.2's host data sources do:
// one hosts row, its options in dhcpN_options (scope_id 3: host) with the
// wire payload in value and the text in formatted_value, and the IPv6
// addresses in ipv6_reservations. It returns the host_id.
type dbOption struct {
	code      int
	value     []byte
	formatted string
}

func (d *testDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if d.backend == "pgsql" {
		n := 0
		q = regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string { n++; return fmt.Sprintf("$%d", n) })
	}
	if _, err := d.admin.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (d *testDB) use() string {
	if d.backend == "mysql" {
		return d.name + "."
	}
	return ""
}

// adminFor returns a connection to the test database itself (PostgreSQL
// connections are per database).
func (d *testDB) hostAdmin(t *testing.T) *testDB {
	t.Helper()
	if d.backend == "mysql" {
		return d
	}
	db, err := pgOpen(d.name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := *d
	c.admin = db
	return &c
}

func (d *testDB) insertHost4(t *testing.T, ident []byte, identType int, subnet uint32, v4 [4]byte, hostname string, opts []dbOption) {
	t.Helper()
	a := d.hostAdmin(t)
	p := a.use()
	addr := int64(v4[0])<<24 | int64(v4[1])<<16 | int64(v4[2])<<8 | int64(v4[3])
	a.exec(t, "INSERT INTO "+p+"hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname) VALUES (?, ?, ?, ?, ?)",
		ident, identType, int64(subnet), addr, hostname)
	for _, o := range opts {
		a.exec(t, "INSERT INTO "+p+"dhcp4_options (code, value, formatted_value, space, persistent, host_id, scope_id) "+
			"VALUES (?, ?, ?, 'dhcp4', false, (SELECT MAX(host_id) FROM "+p+"hosts), 3)", o.code, o.value, o.formatted)
	}
}

func (d *testDB) insertHost6(t *testing.T, ident []byte, identType int, subnet uint32, addr, hostname string, opts []dbOption) {
	t.Helper()
	a := d.hostAdmin(t)
	p := a.use()
	a.exec(t, "INSERT INTO "+p+"hosts (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id, hostname) VALUES (?, ?, ?, ?)",
		ident, identType, int64(subnet), hostname)
	a.exec(t, "INSERT INTO "+p+"ipv6_reservations (address, prefix_len, type, host_id) VALUES (?, 128, 0, (SELECT MAX(host_id) FROM "+p+"hosts))", addr)
	for _, o := range opts {
		a.exec(t, "INSERT INTO "+p+"dhcp6_options (code, value, formatted_value, space, persistent, host_id, scope_id) "+
			"VALUES (?, ?, ?, 'dhcp6', false, (SELECT MAX(host_id) FROM "+p+"hosts), 3)", o.code, o.value, o.formatted)
	}
}

// envHook logs the whole environment a client hands its script.
const envHook = `#!/bin/sh
{ echo "=== $1 ${reason:-}"; env | sort; } >> LOG
case "$1" in bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface";; esac
exit 0
`

// clientEnv runs one client to a bound lease and returns the environment
// its script was given.
func udhcpcEnv(t *testing.T, p *testnet.Pair, tag string) string {
	t.Helper()
	log := filepath.Join(p.Dir, tag+"-hook.log")
	hook := filepath.Join(p.Dir, tag+"-hook.sh")
	os.WriteFile(hook, []byte(strings.Replace(envHook, "LOG", log, 1)), 0o755)
	u := p.Client.Start(p.Dir, "udhcpc-"+tag, nil, "udhcpc", "-i", p.ClientIface, "-f", "-q", "-t", "5", "-T", "2",
		"-s", hook, "-O", "hostname", "-O", "domain")
	defer u.Stop()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		b, _ := os.ReadFile(log)
		if i := strings.Index(string(b), "=== bound"); i >= 0 && strings.Contains(string(b[i:]), "\nsubnet=") {
			p.Client.Run("ip", "-4", "addr", "flush", "dev", p.ClientIface)
			return string(b[i:])
		}
	}
	b, _ := os.ReadFile(log)
	t.Fatalf("udhcpc (%s) got no lease:\n%s\n%s", tag, b, u.Output())
	return ""
}

func envVar(env, name string) string {
	m := regexp.MustCompile(`(?m)^` + name + `=(.*)$`).FindStringSubmatch(env)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestHostsDatabase4: a reservation written into Kea's hosts tables (by
// SQL, as Kea's host data source writes it) is served to udhcpc the same
// by Kea 2.2 and Nestor on the same hosts-database: the reserved address,
// hostname and the host's options.
func TestHostsDatabase4(t *testing.T) {
	testnet.Require(t, "udhcpc")
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newKeaDB(t, backend)
			mac := []byte{0x02, 0, 0, 0, 0xbb, 0x01}
			d.insertHost4(t, mac, 0, 1, [4]byte{198, 51, 100, 77}, "dbhost-one", []dbOption{
				{6, []byte{198, 51, 100, 53}, "198.51.100.53"},
				{15, []byte("db.example.org"), "db.example.org"},
			})
			p := testnet.NewPair(t, "ldh")
			p.Client.Run("ip", "link", "set", "dev", p.ClientIface, "address", "02:00:00:00:bb:01")
			want := map[string]string{"ip": "198.51.100.77", "hostname": "dbhost-one", "dns": "198.51.100.53",
				"domain": "db.example.org", "router": "198.51.100.1"}
			got := map[string]map[string]string{}
			for _, impl := range []string{"kea", "nestor"} {
				ldb := d.leaseDB(nil)
				hdb := d.leaseDB(nil)
				s := startHostServer(t, p, impl, ldb, hdb)
				env := udhcpcEnv(t, p, impl)
				s.proc.Stop()
				got[impl] = map[string]string{}
				for k := range want {
					got[impl][k] = envVar(env, k)
				}
			}
			for k, w := range want {
				if got["kea"][k] != w {
					t.Errorf("Kea gave %s=%q, want %q (the test's expectation of Kea is wrong)", k, got["kea"][k], w)
				}
				if got["nestor"][k] != got["kea"][k] {
					t.Errorf("Nestor gave %s=%q, Kea %q", k, got["nestor"][k], got["kea"][k])
				}
			}
		})
	}
}

// startHostServer starts a DHCPv4 server with a lease database and a
// hosts database and one subnet with a router option.
func startHostServer(t *testing.T, p *testnet.Pair, impl string, leaseDB, hostsDB map[string]any) *server {
	t.Helper()
	return startServerWith(t, p, impl, 4, true, leaseDB, func(conf map[string]any) {
		conf["hosts-database"] = hostsDB
		conf["subnet4"] = []any{map[string]any{"id": 1, "subnet": "198.51.100.0/24",
			"pools":       []any{map[string]any{"pool": "198.51.100.10 - 198.51.100.50"}},
			"option-data": []any{map[string]any{"name": "routers", "data": "198.51.100.1"}}}}
	})
}

// TestHostsDatabase6: a DHCPv6 reservation (by DUID) in Kea's hosts
// tables is served to dhclient -6 the same by Kea 2.2 and Nestor: the
// reserved address and the host's dns-servers option.
func TestHostsDatabase6(t *testing.T) {
	testnet.Require(t, "dhclient")
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newKeaDB(t, backend)
			p := testnet.NewPair(t, "ldh6")
			out := p.Client.Run("ip", "link", "show", "dev", p.ClientIface)
			m := regexp.MustCompile(`link/ether ([0-9a-f:]{17})`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no MAC address: %s", out)
			}
			mac, _ := net.ParseMAC(m[1])
			duid := append([]byte{0, 3, 0, 1}, mac...) // DUID-LL, as dhclient -D LL makes it
			d.insertHost6(t, duid, 1, 1, "2001:db8:1::77", "dbhost-six", []dbOption{
				{23, netip.MustParseAddr("2001:db8:1::53").AsSlice(), "2001:db8:1::53"},
			})
			conf := filepath.Join(p.Dir, "dhclient6.conf")
			os.WriteFile(conf, []byte("request dhcp6.name-servers;\n"), 0o644)
			want := map[string]string{"new_ip6_address": "2001:db8:1::77", "new_dhcp6_name_servers": "2001:db8:1::53"}
			got := map[string]map[string]string{}
			for _, impl := range []string{"kea", "nestor"} {
				s := startServerWith(t, p, impl, 6, true, d.leaseDB(nil), func(c map[string]any) {
					c["hosts-database"] = d.leaseDB(nil)
				})
				env := dhclient6Env(t, p, impl, conf)
				s.proc.Stop()
				got[impl] = map[string]string{}
				for k := range want {
					got[impl][k] = envVar(env, k)
				}
			}
			for k, w := range want {
				if got["kea"][k] != w {
					t.Errorf("Kea gave %s=%q, want %q (the test's expectation of Kea is wrong)", k, got["kea"][k], w)
				}
				if got["nestor"][k] != got["kea"][k] {
					t.Errorf("Nestor gave %s=%q, Kea %q", k, got["nestor"][k], got["kea"][k])
				}
			}
		})
	}
}

func dhclient6Env(t *testing.T, p *testnet.Pair, tag, conf string) string {
	t.Helper()
	log := filepath.Join(p.Dir, tag+"-hook6.log")
	hook := filepath.Join(p.Dir, tag+"-hook6.sh")
	os.WriteFile(hook, []byte(strings.Replace(envHook, "LOG", log, 1)), 0o755)
	lf, pf := filepath.Join(p.Dir, tag+"-dhclient6.leases"), filepath.Join(p.Dir, tag+"-dhclient6.pid")
	c := p.Client.Start(p.Dir, "dhclient6-"+tag, nil, "dhclient", "-6", "-d", "-v", "-D", "LL", "-cf", conf, "-sf", hook,
		"-lf", lf, "-pf", pf, p.ClientIface)
	defer c.Stop()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		b, _ := os.ReadFile(log)
		if i := strings.Index(string(b), " BOUND6\n"); i >= 0 && strings.Contains(string(b[i:]), "\nreason=") {
			return string(b[i:])
		}
	}
	b, _ := os.ReadFile(log)
	t.Fatalf("dhclient -6 (%s) got no lease:\n%s\n%s", tag, b, c.Output())
	return ""
}

// TestHostsDatabaseLost: a hosts database that becomes unreachable is
// handled as Kea handles it (like a lost lease database): the service
// stops on the first failed lookup, resumes when the connection is back,
// and the server serves again.
func TestHostsDatabaseLost(t *testing.T) {
	testnet.Require(t, "perfdhcp")
	d := newKeaDB(t, "pgsql")
	p := testnet.NewPair(t, "ldhl")
	p.AddClientAddrs()
	s := startServerWith(t, p, "nestor", 4, true, map[string]any{"type": "memfile", "persist": false},
		func(c map[string]any) {
			c["hosts-database"] = d.leaseDB(map[string]any{"max-reconnect-tries": 100, "reconnect-wait-time": 200})
		})
	if out := perfdhcp(t, p, 4, 10, 5); acks(4, out) == 0 {
		t.Fatalf("no lease before the outage:\n%s", out)
	}
	d.block(t)
	perfdhcp(t, p, 4, 10, 3)
	if err := s.proc.WaitLog("DHCP4_DB_RECONNECT_LOST_CONNECTION", 20*time.Second); err != nil {
		d.unblock(t)
		t.Fatal(err)
	}
	if a := s.command(t, "version-get", nil); a.Result != 0 {
		t.Errorf("version-get while the hosts database is down: %d %s", a.Result, a.Text)
	}
	d.unblock(t)
	if err := s.proc.WaitLog("DHCP4_DB_RECONNECT_SUCCEEDED", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if out := perfdhcp(t, p, 4, 10, 5); acks(4, out) == 0 {
		t.Errorf("no lease after the connection came back:\n%s", out)
	}
}
