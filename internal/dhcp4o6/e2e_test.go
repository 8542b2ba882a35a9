package dhcp4o6_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// The end-to-end tests run a DHCPv6 server and a DHCPv4 server paired by
// dhcp4o6-port in a namespace, Nestor's or Kea 2.2's in every combination,
// and a DHCPv4-over-DHCPv6 client (this test, from the client namespace)
// that sends DHCPV4-QUERY messages to the DHCPv6 server's unicast address.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func nestorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nestor-4o6-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nestor")
		if out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/nestor").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

const config6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["veth-srv/2001:db8:1::1"]},
  "data-directory": "DIR",
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl6.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "dhcp4o6-port": 6767,
  "option-data": [{"name": "dhcp4o6-server-addr", "code": 88, "space": "dhcp6", "csv-format": true, "data": "2001:db8:1::1"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "veth-srv",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}]}}`

const config4 = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl4.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "dhcp4o6-port": 6767,
  "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"}],
  "subnet4": [SUBNETS]}}`

// bySubnet selects subnet 1 by 4o6-subnet (the client's address is in
// 2001:db8:1::/64); byIface makes subnet 1's 4o6-subnet miss, so subnet 2
// is selected by 4o6-interface.
const (
	bySubnet = `{"id": 1, "subnet": "198.51.100.0/24", "4o6-subnet": "2001:db8:1::/64",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"}]},
    {"id": 2, "subnet": "203.0.113.0/24", "4o6-interface": "veth-srv",
      "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}]}`
	byIface = `{"id": 1, "subnet": "198.51.100.0/24", "4o6-subnet": "2001:db8:99::/64",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]},
    {"id": 2, "subnet": "203.0.113.0/24", "4o6-interface": "veth-srv",
      "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}]}`
)

type pair struct {
	p          *testnet.Pair
	v6, v4     *testnet.Proc
	conn       *net.UDPConn
	name       string
	kea6, kea4 bool
}

func start(t *testing.T, prefix string, kea6, kea4 bool, subnets string) *pair {
	t.Helper()
	progs := []string{}
	if kea6 {
		progs = append(progs, "kea-dhcp6")
	}
	if kea4 {
		progs = append(progs, "kea-dhcp4")
	}
	testnet.Require(t, progs...)
	bin := nestorBinary(t)
	p := testnet.NewPair(t, prefix)
	p.AddClientAddrs()
	r := strings.NewReplacer("DIR", p.Dir, "SUBNETS", subnets)
	c6, c4 := filepath.Join(p.Dir, "kea-dhcp6.json"), filepath.Join(p.Dir, "kea-dhcp4.json")
	if err := os.WriteFile(c6, []byte(r.Replace(config6)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c4, []byte(r.Replace(config4)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	x := &pair{p: p, kea6: kea6, kea4: kea4}
	name := func(kea bool) string {
		if kea {
			return "kea"
		}
		return "nestor"
	}
	x.name = name(kea6) + "6+" + name(kea4) + "4"
	if kea4 {
		x.v4 = p.Server.Start(p.Dir, "kea-dhcp4", env, "kea-dhcp4", "-c", c4)
	} else {
		x.v4 = p.Server.Start(p.Dir, "nestor-dhcp4", env, bin, "dhcp4", "-c", c4)
	}
	if kea6 {
		x.v6 = p.Server.Start(p.Dir, "kea-dhcp6", env, "kea-dhcp6", "-c", c6)
	} else {
		x.v6 = p.Server.Start(p.Dir, "nestor-dhcp6", env, bin, "dhcp6", "-c", c6)
	}
	if err := x.v4.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := x.v6.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s dhcp6 log:\n%s\ndhcp4 log:\n%s", x.name, x.v6.Output(), x.v4.Output())
		}
	})
	err := p.Client.Do(func() error {
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.ParseIP(testnet.ClientV6), Port: 546})
		x.conn = c
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.conn.Close() })
	return x
}

// query4o6 is a DHCPV4-QUERY (unicast flag set, RFC 7341 section 6.2)
// carrying msg in a DHCPv4 Message option; nil msg leaves the option out.
func query4o6(msg []byte) []byte {
	b := []byte{20, 0x80, 0, 0}
	if msg != nil {
		b = binary.BigEndian.AppendUint16(b, 87)
		b = binary.BigEndian.AppendUint16(b, uint16(len(msg)))
		b = append(b, msg...)
	}
	return b
}

// ask sends a DHCPV4-QUERY and returns the first datagram that comes back
// (nil after a bounded wait).
func (x *pair) ask(t *testing.T, b []byte) []byte {
	t.Helper()
	if _, err := x.conn.WriteToUDP(b, &net.UDPAddr{IP: net.ParseIP(testnet.ServerV6), Port: 547}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2048)
	_ = x.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _, err := x.conn.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// envelope renders the DHCPv6 layer of a response: type, transaction id,
// option codes in wire order; and returns the DHCPv4 message.
func envelope(t *testing.T, b []byte) (string, *dhcp4.Packet) {
	t.Helper()
	if len(b) < 4 {
		return fmt.Sprintf("short %x", b), nil
	}
	s := fmt.Sprintf("type=%d xid=%x opts=", b[0], b[1:4])
	var v4 *dhcp4.Packet
	for o := b[4:]; len(o) >= 4; {
		code, n := binary.BigEndian.Uint16(o), int(binary.BigEndian.Uint16(o[2:]))
		if len(o) < 4+n {
			return s + " truncated", nil
		}
		s += fmt.Sprintf("%d,", code)
		if code == 87 {
			v4 = &dhcp4.Packet{}
			if err := v4.Decode(o[4 : 4+n]); err != nil {
				t.Fatalf("DHCPv4 message: %v", err)
			}
		}
		o = o[4+n:]
	}
	return s, v4
}

func describe(r *dhcp4.Packet) string {
	if r == nil {
		return "(no reply)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s op=%d yiaddr=%s ciaddr=%s siaddr=%s giaddr=%s flags=%#x hops=%d xid=%#x\n",
		r.MessageType(), r.Op, r.YIAddr, r.CIAddr, r.SIAddr, r.GIAddr, r.Flags, r.Hops, r.Xid)
	opts := append([]dhcp4.Option(nil), r.Options()...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Code < opts[j].Code })
	for _, o := range opts {
		fmt.Fprintf(&b, "  %3d %x\n", o.Code, o.Data)
	}
	return b.String()
}

func v4msg(t *testing.T, mt dhcp4.MessageType, xid uint32, mac byte, opts ...dhcp4.Option) []byte {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: xid}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0x46, mac})
	p.SetMessageType(mt)
	for _, o := range opts {
		p.Set(o.Code, o.Data)
	}
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dora runs DISCOVER then REQUEST over DHCPv4-over-DHCPv6 and returns the
// transcript: each response's envelope and DHCPv4 message.
func (x *pair) dora(t *testing.T, mac byte) (string, *dhcp4.Packet) {
	t.Helper()
	var out strings.Builder
	env, offer := envelope(t, x.ask(t, query4o6(v4msg(t, dhcp4.DHCPDISCOVER, 0x4060001, mac))))
	fmt.Fprintf(&out, "OFFER envelope %s\n%s", env, describe(offer))
	if offer == nil || offer.MessageType() != dhcp4.DHCPOFFER {
		return out.String(), nil
	}
	sid, _ := offer.Get(dhcp4.OptionServerIdentifier)
	env, ack := envelope(t, x.ask(t, query4o6(v4msg(t, dhcp4.DHCPREQUEST, 0x4060002, mac,
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: sid},
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: offer.YIAddr[:]}))))
	fmt.Fprintf(&out, "ACK envelope %s\n%s", env, describe(ack))
	return out.String(), ack
}

// stat reads a statistic through the server's control socket.
func (x *pair) stat(t *testing.T, sock, name string) int64 {
	t.Helper()
	c, err := net.Dial("unix", filepath.Join(x.p.Dir, sock))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, `{"command": "statistic-get", "arguments": {"name": %q}}`, name)
	var ans struct {
		Arguments map[string][][]any `json:"arguments"`
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := json.NewDecoder(c).Decode(&ans); err != nil {
		t.Fatal(err)
	}
	v := ans.Arguments[name]
	if len(v) == 0 || len(v[0]) == 0 {
		return -1
	}
	f, _ := v[0][0].(float64)
	return int64(f)
}

func TestE2EDora(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	x := start(t, "o6nn", false, false, bySubnet)
	got, ack := x.dora(t, 1)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK:\n%s", got)
	}
	if a := ack.YIAddr.Addr().String(); !strings.HasPrefix(a, "198.51.100.1") {
		t.Errorf("address %s not from subnet 1's pool", a)
	}
	b, _ := os.ReadFile(filepath.Join(x.p.Dir, "leases4.csv"))
	if !strings.Contains(string(b), ack.YIAddr.Addr().String()+",02:00:00:00:46:01") {
		t.Errorf("lease not in the lease file:\n%s", b)
	}
	if n := x.stat(t, "ctl6.sock", "pkt6-dhcpv4-query-received"); n != 2 {
		t.Errorf("pkt6-dhcpv4-query-received = %d, want 2", n)
	}
	if n := x.stat(t, "ctl6.sock", "pkt6-dhcpv4-response-sent"); n != 2 {
		t.Errorf("pkt6-dhcpv4-response-sent = %d, want 2", n)
	}
}

// TestE2EKea22 runs the same exchanges against every pairing of Nestor's and
// Kea 2.2's servers and compares the responses (envelope and DHCPv4 reply)
// with Kea's own pair's: the mixed pairs prove the link is Kea's.
func TestE2EKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	for _, sc := range []struct{ name, subnets string }{{"4o6-subnet", bySubnet}, {"4o6-interface", byIface}} {
		t.Run(sc.name, func(t *testing.T) {
			var want string
			for i, c := range []struct{ kea6, kea4 bool }{{true, true}, {false, false}, {true, false}, {false, true}} {
				x := start(t, fmt.Sprintf("o6k%d", i), c.kea6, c.kea4, sc.subnets)
				got, ack := x.dora(t, 2)
				if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
					t.Errorf("%s: no ACK:\n%s", x.name, got)
				}
				if i == 0 {
					want = got
					t.Logf("kea6+kea4:\n%s", got)
					continue
				}
				if got != want {
					t.Errorf("%s differs from kea6+kea4:\n%s\nkea6+kea4:\n%s", x.name, got, want)
				}
			}
		})
	}
}

// TestE2EBadInput sends DHCPV4-QUERY messages without a DHCPv4 Message
// option, with a truncated one and with a garbled one, then a good
// exchange, to Kea 2.2's pair and to Nestor's: neither answers the bad
// ones, and both count the same statistics on both servers.
func TestE2EBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	stats6 := []string{"pkt6-received", "pkt6-dhcpv4-query-received", "pkt6-dhcpv4-response-sent", "pkt6-sent", "pkt6-receive-drop", "pkt6-parse-failed", "pkt6-unknown-received"}
	stats4 := []string{"pkt4-received", "pkt4-discover-received", "pkt4-request-received", "pkt4-offer-sent", "pkt4-ack-sent", "pkt4-sent", "pkt4-receive-drop", "pkt4-parse-failed"}
	garbled := v4msg(t, dhcp4.DHCPDISCOVER, 0x4060009, 9)
	garbled = garbled[:240] // cookie, no options: no message type
	garbled[236] = 0
	run := func(kea bool, prefix string) string {
		x := start(t, prefix, kea, kea, bySubnet)
		for _, q := range [][]byte{query4o6(nil), query4o6([]byte{1, 2, 3}), query4o6(garbled)} {
			if r := x.ask(t, q); r != nil {
				t.Errorf("%s answered a bad query: %x", x.name, r)
			}
		}
		x.dora(t, 3)
		var b strings.Builder
		for _, n := range stats6 {
			fmt.Fprintf(&b, "%s=%d\n", n, x.stat(t, "ctl6.sock", n))
		}
		for _, n := range stats4 {
			fmt.Fprintf(&b, "%s=%d\n", n, x.stat(t, "ctl4.sock", n))
		}
		return b.String()
	}
	testnet.Require(t, "kea-dhcp6", "kea-dhcp4")
	want := run(true, "o6bk")
	got := run(false, "o6bn")
	if got != want {
		t.Errorf("statistics differ:\nnestor:\n%s\nkea 2.2:\n%s", got, want)
	}
	t.Logf("kea 2.2:\n%s", want)
}
