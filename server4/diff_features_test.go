package server4_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
)

// The feature differential test is TestDifferentialKea22's counterpart
// for what needs its own configuration: BOOTP through libdhcp_bootp.so,
// vendor options (option 125 per enterprise number, option 43 per client
// class), host-reservation-identifiers in a non-default order and
// store-extended-info. The replies are compared as received, byte for
// byte (BOOTP replies are padded, which a decoded comparison would not
// see), and at the end the lease files the two servers wrote are compared
// row by row (every column but expire).

const featuresConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_bootp.so"},
                      {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "store-extended-info": true,
  "host-reservation-identifiers": ["circuit-id", "hw-address", "client-id"],
  "option-def": [{"name": "acme-url", "code": 1, "space": "vendor-2021", "type": "string"},
                 {"name": "acme-flag", "code": 2, "space": "vendor-2021", "type": "uint8"},
                 {"name": "cookie", "code": 1, "space": "APC", "type": "string"}],
  "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"},
     {"name": "tftp-servers", "space": "vendor-4491", "data": "198.51.100.69"},
     {"name": "acme-url", "space": "vendor-2021", "data": "http://acme.example.org/"},
     {"name": "acme-flag", "space": "vendor-2021", "data": "7", "always-send": true}],
  "client-classes": [
     {"name": "APC", "test": "option[vendor-class-identifier].text == 'APC'",
      "option-def": [{"name": "vendor-encapsulated-options", "code": 43, "type": "empty", "encapsulate": "APC"}],
      "option-data": [{"name": "cookie", "space": "APC", "data": "1APC"},
                      {"name": "vendor-encapsulated-options"}]},
     {"name": "apc-early", "test": "option[43].option[1].exists",
      "option-data": [{"name": "time-offset", "data": "60", "always-send": true}]},
     {"name": "apc-cookie", "test": "member('UNKNOWN') and option[43].option[1].text == 'probe'",
      "option-data": [{"name": "log-servers", "data": "198.51.100.7", "always-send": true}]},
     {"name": "bootp-clients", "test": "member('BOOTP')", "next-server": "198.51.100.6",
      "option-data": [{"name": "ntp-servers", "data": "198.51.100.123", "always-send": true}]},
     {"name": "VENDOR_CLASS_raw43", "option-data": [{"code": 43, "csv-format": false, "data": "0102abcd", "always-send": true}]}],
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.149", "client-class": "BOOTP"},
                {"pool": "198.51.100.150 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"},
                      {"name": "domain-name", "data": "example.org"}],
      "reservations": [
         {"hw-address": "02:00:00:00:cc:40", "ip-address": "198.51.100.62", "boot-file-name": "bootp.img", "next-server": "198.51.100.5"},
         {"circuit-id": "'et-7'", "ip-address": "198.51.100.60", "hostname": "by-circuit"},
         {"hw-address": "02:00:00:00:cc:41", "ip-address": "198.51.100.63", "hostname": "by-hw"},
         {"client-id": "01:02:00:00:00:cc:42", "ip-address": "198.51.100.61", "hostname": "by-client-id"}]}]
}}`

// startServerWith is startDiffServer with a given configuration (DIR is
// replaced by the pair's directory).
func startServerWith(t *testing.T, name, prefix, config string, argv func(cfg string) []string) *diffServer {
	p := testnet.NewPair(t, prefix)
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(config, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := argv(cfg)
	srv := p.Server.Start(p.Dir, name, env, args[0], args[1:]...)
	if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("%s did not start: %v\n%s", name, err, srv.Output())
	}
	return &diffServer{name: name, p: p, conn: relayConn(t, p)}
}

// askRaw sends a query and returns the reply as received with its
// decoded form, or nil after a short wait.
func (d *diffServer) askRaw(t *testing.T, q *dhcp4.Packet) ([]byte, *dhcp4.Packet) {
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.conn.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	deadline := time.Now().Add(700 * time.Millisecond)
	for {
		d.conn.SetReadDeadline(deadline)
		n, _, err := d.conn.ReadFromUDP(buf)
		if err != nil {
			return nil, nil
		}
		r := &dhcp4.Packet{}
		if r.Decode(buf[:n]) == nil && r.Xid == q.Xid {
			return append([]byte(nil), buf[:n]...), r
		}
	}
}

// bootp is a relayed BOOTREQUEST: no message type.
func bootp(mac byte, xid uint32, opts ...dhcp4.Option) *dhcp4.Packet {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: xid, Hops: 1}
	p.GIAddr = dhcp4.IPv4{198, 51, 100, 2}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0xcc, mac})
	for _, o := range opts {
		p.Set(o.Code, o.Data)
	}
	return p
}

// vivso is option 125 with one enterprise and its sub-options.
func vivso(enterprise uint32, sub ...dhcp4.Option) dhcp4.Option {
	var data []byte
	for _, s := range sub {
		data = append(data, s.Code, byte(len(s.Data)))
		data = append(data, s.Data...)
	}
	b := binary.BigEndian.AppendUint32(nil, enterprise)
	b = append(b, byte(len(data)))
	return dhcp4.Option{Code: dhcp4.OptionVIVSO, Data: append(b, data...)}
}

var prlVendor = opt(55, 1, 3, 6, 15, 43, 125)

var featuresScript = []step{
	{"bootp request", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return bootp(0x30, 0x1000) }},
	{"bootp reserved hw-address", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return bootp(0x40, 0x1010) }},
	{"bootp again", func(map[string]*dhcp4.Packet) *dhcp4.Packet { return bootp(0x30, 0x1020) }},
	{"bootp with vendor extensions", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return bootp(0x31, 0x1030, optS(12, "bootp-host"), opt(61, 1, 2, 0, 0, 0, 0xcc, 0x31))
	}},
	{"discover outside the bootp pool", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x32, 0x1040, prlVendor)
	}},
	{"discover vivso docsis oro", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x33, 0x1050, prlVendor, vivso(4491, opt(1, 2)))
	}},
	{"request vivso docsis oro", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := requestFor(p, "discover vivso docsis oro", 0x33, 0x1051)
		q.Set(55, prlVendor.Data)
		v := vivso(4491, opt(1, 2))
		q.Set(v.Code, v.Data)
		return q
	}},
	{"discover vivso other vendor", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x36, 0x1060, prlVendor, vivso(2021))
	}},
	{"discover vivso unconfigured vendor", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x37, 0x1070, prlVendor, vivso(9999, opt(1, 5)))
	}},
	{"discover prl 125 without vivso", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x38, 0x1080, prlVendor)
	}},
	{"discover class option 43", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x34, 0x1090, prlVendor, optS(60, "APC"))
	}},
	{"discover option 43 read with the class definition", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x44, 0x1100, prlVendor, optS(60, "APC"), optS(43, "\x01\x05probe"))
	}},
	{"discover option 43 without the class", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x45, 0x1110, prlVendor, optS(43, "\x01\x05probe"))
	}},
	{"discover vendor class raw 43", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x39, 0x10a0, prl, optS(60, "raw43"))
	}},
	{"discover circuit-id reservation first", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x41, 0x10b0, prl, opt(82, 1, 4, 'e', 't', '-', '7'))
	}},
	{"discover hw-address reservation", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x41, 0x10c0, prl)
	}},
	{"discover client-id reservation", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x42, 0x10d0, prl, opt(61, 1, 2, 0, 0, 0, 0xcc, 0x42))
	}},
	{"discover rai extended info", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPDISCOVER, 0x35, 0x10e0, prl, opt(82, 1, 3, 'p', '-', '1', 2, 2, 0xab, 0xcd))
	}},
	{"request rai extended info", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := requestFor(p, "discover rai extended info", 0x35, 0x10e1)
		q.Set(82, []byte{1, 3, 'p', '-', '1', 2, 2, 0xab, 0xcd})
		return q
	}},
	{"renew with another rai", func(p map[string]*dhcp4.Packet) *dhcp4.Packet {
		q := relayed(dhcp4.DHCPREQUEST, 0x35, 0x10e2, prl, opt(82, 1, 3, 'p', '-', '2', 6, 3, 1, 2, 3))
		if a := p["request rai extended info"]; a != nil {
			q.CIAddr = a.YIAddr
		}
		return q
	}},
	{"inform vivso docsis", func(map[string]*dhcp4.Packet) *dhcp4.Packet {
		return relayed(dhcp4.DHCPINFORM, 0x43, 0x10f0, prlVendor, vivso(4491, opt(1, 2)))
	}},
}

// featuresCommands are control commands sent to both servers before a
// step: a user context set on a lease, which store-extended-info must keep
// when it writes the relay agent information.
var featuresCommands = map[string]func(prev map[string]*dhcp4.Packet) string{
	"renew with another rai": func(prev map[string]*dhcp4.Packet) string {
		addr := "198.51.100.250"
		if a := prev["request rai extended info"]; a != nil {
			addr = a.YIAddr.String()
		}
		return `{"command": "lease4-update", "arguments": {"ip-address": "` + addr + `", "subnet-id": 1,
		  "hw-address": "02:00:00:00:cc:35", "valid-lft": 4000,
		  "user-context": {"zone": [1, "a"], "comment": "keep me", "ISC": {"other": 1}}}}`
	},
}

// command sends a control command to the server's unix socket and returns
// the answer.
func (d *diffServer) command(t *testing.T, cmd string) string {
	conn, err := net.Dial("unix", filepath.Join(d.p.Dir, "ctl.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, cmd)
	b, _ := io.ReadAll(conn)
	return string(b)
}

func TestDifferentialKea22Features(t *testing.T) {
	testnet.Require(t, "kea-dhcp4")
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_bootp.so"); err != nil {
		t.Skip("Kea's libdhcp_bootp.so is not installed")
	}
	bin := nestorBinary(t)
	kea := startServerWith(t, "kea-dhcp4", "s4fk", featuresConfig, func(cfg string) []string { return []string{"kea-dhcp4", "-c", cfg} })
	nes := startServerWith(t, "nestor", "s4fn", featuresConfig, func(cfg string) []string { return []string{bin, "dhcp4", "-c", cfg} })
	kprev, nprev := map[string]*dhcp4.Packet{}, map[string]*dhcp4.Packet{}
	same := 0
	for _, s := range featuresScript {
		if cmd := featuresCommands[s.name]; cmd != nil {
			for _, d := range []struct {
				s    *diffServer
				prev map[string]*dhcp4.Packet
			}{{kea, kprev}, {nes, nprev}} {
				if ans := d.s.command(t, cmd(d.prev)); !strings.Contains(ans, `"result": 0`) {
					t.Errorf("%s: %s", d.s.name, ans)
				}
			}
		}
		kb, kr := kea.askRaw(t, s.q(kprev))
		nb, nr := nes.askRaw(t, s.q(nprev))
		kprev[s.name], nprev[s.name] = kr, nr
		kd, nd := describe(kr), describe(nr)
		if kd != nd {
			t.Errorf("%s:\nkea-dhcp4 2.2: %s\nnestor:        %s", s.name, kd, nd)
			continue
		}
		if !bytes.Equal(kb, nb) {
			t.Errorf("%s: same fields, different bytes on the wire:\nkea %x\nnes %x", s.name, kb, nb)
			continue
		}
		if kr == nil {
			t.Logf("%s: no reply from either", s.name)
		}
		same++
	}
	t.Logf("%d of %d exchanges identical", same, len(featuresScript))

	kl, nl := leaseRows(t, kea), leaseRows(t, nes)
	if len(kl) == 0 {
		t.Fatalf("kea-dhcp4 wrote no leases")
	}
	merged := false
	for _, k := range kl {
		merged = merged || strings.Contains(k, "keep me") && strings.Contains(k, "relay-agent-info")
	}
	if !merged {
		t.Errorf("no lease in Kea's file has both the user context set by lease4-update and the extended info: %v", kl)
	}
	for addr, k := range kl {
		// Spec-backed difference: Nestor writes the extended info in the
		// ARM's (Kea 2.6) map form; Kea 2.2's string form is compared
		// once upgraded as Kea 2.6 upgrades it when it loads a lease file
		// (extended-info-checks "fix").
		k = upgradeExtendedInfoColumn(k)
		if n := nl[addr]; n != k {
			t.Errorf("lease %s:\nkea-dhcp4 2.2: %s\nnestor:        %s", addr, k, n)
		}
	}
	for addr, n := range nl {
		if _, ok := kl[addr]; !ok {
			t.Errorf("lease %s only in nestor's file: %s", addr, n)
		}
	}
}

// leaseRows reads a server's lease file: the last row of each address,
// the columns of Kea 2.2's format (address to user_context) but expire
// (the fifth); Nestor adds pool_id as Kea 2.6 does. Kea escapes commas inside values,
// so a row splits on every comma.
func leaseRows(t *testing.T, d *diffServer) map[string]string {
	b, err := os.ReadFile(filepath.Join(d.p.Dir, "leases4.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		rec := strings.Split(line, ",")
		if i == 0 || len(rec) < 11 {
			continue
		}
		cols := append(append([]string(nil), rec[:4]...), rec[5:11]...)
		rows[rec[0]] = strings.Join(cols, ",")
	}
	return rows
}

// upgradeExtendedInfoColumn rewrites the user_context column (the tenth
// of a leaseRows row) of Kea 2.2 in Kea 2.6's form.
func upgradeExtendedInfoColumn(row string) string {
	cols := strings.Split(row, ",")
	if len(cols) < 10 || cols[9] == "" {
		return row
	}
	r := lease.UpgradeExtendedInfo4([]byte(csv.Unescape(cols[9])), lease.ExtendedInfoFix)
	if !r.Changed {
		return row
	}
	cols[9] = csv.Escape(string(r.Context))
	return strings.Join(cols, ",")
}
