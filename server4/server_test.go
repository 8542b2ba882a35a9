package server4

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
)

// testServer is a server without sockets whose replies are captured.
type testServer struct {
	*Server
	mu      sync.Mutex
	replies []*netio.Packet
	dir     string
}

const testConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "name": "LEASES"},
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "multi-threading": {"enable-multi-threading": false},
  "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"}],
  "client-classes": [{"name": "pxe", "test": "option[60].text == 'PXEClient'",
                      "boot-file-name": "pxelinux.0",
                      "option-data": [{"name": "tftp-server-name", "data": "tftp.example.org"}]}],
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
               "relay": {"ip-addresses": ["198.51.100.1"]},
               "pools": [{"pool": "198.51.100.100 - 198.51.100.109"}],
               "option-data": [{"name": "routers", "data": "198.51.100.1"},
                               {"name": "domain-name", "data": "example.org"},
                               {"name": "ntp-servers", "data": "198.51.100.123"}],
               "reservations": [{"hw-address": "02:00:00:00:00:99", "ip-address": "198.51.100.50",
                                 "hostname": "reserved"}]}]
}}`

func newTestServer(t *testing.T, cfgText string) *testServer {
	t.Helper()
	dir := t.TempDir()
	cfgText = strings.ReplaceAll(cfgText, "LEASES", filepath.Join(dir, "leases4.csv"))
	cfg, _, err := config.ParseDhcp4("test", []byte(cfgText), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{dir: dir}
	ts.Server = New(Options{NoSockets: true, LocalAddrs: []netip.Addr{netip.MustParseAddr("198.51.100.1")}, Sender: func(p *netio.Packet) error {
		c := netio.NewPacket()
		n := copy(c.Payload(), p.Data)
		c.SetPayload(n)
		c.Src, c.Dst, c.DstMAC, c.IfName = p.Src, p.Dst, p.DstMAC, p.IfName
		ts.mu.Lock()
		ts.replies = append(ts.replies, c)
		ts.mu.Unlock()
		return nil
	}})
	if err := ts.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

// exchange sends one query and returns the decoded reply (nil: none).
func (ts *testServer) exchange(t *testing.T, q *dhcp4.Packet, src netip.AddrPort) (*dhcp4.Packet, *netio.Packet) {
	t.Helper()
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	np := netio.NewPacket()
	n := copy(np.Payload(), b)
	np.SetPayload(n)
	np.Src = src
	np.Dst = netip.MustParseAddrPort("198.51.100.1:67")
	np.IfName, np.IfIndex = "eth0", 2
	ts.mu.Lock()
	ts.replies = nil
	ts.mu.Unlock()
	ts.Handle(np)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.replies) == 0 {
		return nil, nil
	}
	r := &dhcp4.Packet{}
	if err := r.Decode(ts.replies[0].Data); err != nil {
		t.Fatal(err)
	}
	return r, ts.replies[0]
}

var relay = netip.MustParseAddrPort("198.51.100.1:67")

// query builds a relayed client message.
func query(t dhcp4.MessageType, mac byte, opts ...dhcp4.Option) *dhcp4.Packet {
	p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: 0x1234, Hops: 1}
	p.GIAddr = dhcp4.IPv4{198, 51, 100, 1}
	p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0, mac})
	p.SetMessageType(t)
	for _, o := range opts {
		p.Set(o.Code, o.Data)
	}
	return p
}

func ip(s string) []byte { a := netip.MustParseAddr(s).As4(); return a[:] }

func TestDORA(t *testing.T) {
	ts := newTestServer(t, testConfig)
	off, out := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 1, dhcp4.Option{Code: 55, Data: []byte{1, 3, 6, 15, 42}}), relay)
	if off == nil {
		t.Fatal("no OFFER")
	}
	if off.MessageType() != dhcp4.DHCPOFFER {
		t.Fatalf("type %v", off.MessageType())
	}
	yi := off.YIAddr.Addr()
	if !netip.MustParsePrefix("198.51.100.100/29").Contains(yi) && yi.As4()[3] > 109 {
		t.Errorf("yiaddr %v outside the pool", yi)
	}
	if out.Dst != netip.MustParseAddrPort("198.51.100.1:67") {
		t.Errorf("OFFER sent to %v, want the relay on port 67", out.Dst)
	}
	want := map[uint8]string{
		1:  string(ip("255.255.255.0")),
		3:  string(ip("198.51.100.1")),
		6:  string(ip("198.51.100.53")),
		15: "example.org",
		42: string(ip("198.51.100.123")),
		51: "\x00\x00\x0f\xa0",
		54: string(ip("198.51.100.1")),
		58: "\x00\x00\x03\xe8",
		59: "\x00\x00\x07\xd0",
	}
	for code, v := range want {
		got, ok := off.Get(code)
		if !ok || string(got) != v {
			t.Errorf("OFFER option %d = %x (present %v), want %x", code, got, ok, v)
		}
	}
	if got := ts.stats.Counter("pkt4-offer-sent").Value(); got != 1 {
		t.Errorf("pkt4-offer-sent = %d", got)
	}

	req := query(dhcp4.DHCPREQUEST, 1, dhcp4.Option{Code: 50, Data: yi.AsSlice()}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")})
	ack, _ := ts.exchange(t, req, relay)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK || ack.YIAddr.Addr() != yi {
		t.Fatalf("REQUEST: got %+v", ack)
	}
	l, err := ts.store.Lease4(yi)
	if err != nil || l.ValidLifetime != 4000 || l.SubnetID != 1 {
		t.Fatalf("lease in store: %+v, %v", l, err)
	}
	data, err := os.ReadFile(filepath.Join(ts.dir, "leases4.csv"))
	if err != nil || !strings.Contains(string(data), yi.String()+",02:00:00:00:00:01") {
		t.Errorf("lease file lacks the lease:\n%s", data)
	}
	if v := ts.stats.Counter("subnet[1].assigned-addresses").Value(); v != 1 {
		t.Errorf("assigned-addresses = %d", v)
	}

	// Renewal from the client's address (ciaddr, unicast, no option 50).
	ren := query(dhcp4.DHCPREQUEST, 1)
	ren.GIAddr, ren.Hops = dhcp4.IPv4{}, 0
	ren.CIAddr = off.YIAddr
	ack, out = ts.exchange(t, ren, netip.AddrPortFrom(yi, 68))
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK || ack.CIAddr != off.YIAddr {
		t.Fatalf("RENEW: got %+v", ack)
	}
	if out.Dst != netip.AddrPortFrom(yi, 68) {
		t.Errorf("renewal ACK sent to %v", out.Dst)
	}

	// Release.
	rel := query(dhcp4.DHCPRELEASE, 1)
	rel.CIAddr = off.YIAddr
	if r, _ := ts.exchange(t, rel, netip.AddrPortFrom(yi, 68)); r != nil {
		t.Errorf("RELEASE answered: %v", r.MessageType())
	}
	// With lease affinity (the default expired-leases-processing) the
	// lease is kept, expired.
	if l, err := ts.store.Lease4(yi); err == nil && l.ValidLifetime != 0 {
		t.Errorf("lease still valid after RELEASE: %+v", l)
	}
	if v := ts.stats.Counter("subnet[1].assigned-addresses").Value(); v != 0 {
		t.Errorf("assigned-addresses after RELEASE = %d", v)
	}
}

func TestRequestNAKAndDrops(t *testing.T) {
	ts := newTestServer(t, testConfig)
	tests := []struct {
		name  string
		q     *dhcp4.Packet
		want  dhcp4.MessageType // 0: no reply
		stat  string
		delta int64
	}{
		{"selecting outside pools", query(dhcp4.DHCPREQUEST, 2, dhcp4.Option{Code: 50, Data: ip("198.51.100.200")}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), 0, "pkt4-nak-sent", 0},
		{"init-reboot unknown, not authoritative", query(dhcp4.DHCPREQUEST, 3, dhcp4.Option{Code: 50, Data: ip("198.51.100.105")}), 0, "pkt4-nak-sent", 0},
		{"discover with server id", query(dhcp4.DHCPDISCOVER, 4, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), 0, "pkt4-receive-drop", 1},
		{"foreign server id", query(dhcp4.DHCPREQUEST, 5, dhcp4.Option{Code: 54, Data: ip("203.0.113.9")}, dhcp4.Option{Code: 50, Data: ip("198.51.100.105")}), 0, "pkt4-receive-drop", 1},
		{"offer from a client", query(dhcp4.DHCPOFFER, 6), 0, "pkt4-receive-drop", 1},
		{"decline without address", query(dhcp4.DHCPDECLINE, 7), 0, "pkt4-receive-drop", 1},
		// Kea's Option4ClientFqdn refuses these when the packet is parsed.
		{"fqdn with S and N", query(dhcp4.DHCPDISCOVER, 8, dhcp4.Option{Code: 81, Data: []byte{9, 0, 0, 'h', '8'}}), 0, "pkt4-parse-failed", 1},
		{"fqdn truncated", query(dhcp4.DHCPDISCOVER, 9, dhcp4.Option{Code: 81, Data: []byte{1, 0}}), 0, "pkt4-parse-failed", 1},
		{"fqdn with N only", query(dhcp4.DHCPDISCOVER, 10, dhcp4.Option{Code: 81, Data: []byte{8, 0, 0, 'h', '9'}}), dhcp4.DHCPOFFER, "pkt4-parse-failed", 0},
	}
	for _, tt := range tests {
		before := ts.stats.Counter(tt.stat).Value()
		r, _ := ts.exchange(t, tt.q, relay)
		var got dhcp4.MessageType
		if r != nil {
			got = r.MessageType()
		}
		if got != tt.want {
			t.Errorf("%s: reply %v, want %v", tt.name, got, tt.want)
		}
		if d := ts.stats.Counter(tt.stat).Value() - before; d != tt.delta {
			t.Errorf("%s: %s moved by %d, want %d", tt.name, tt.stat, d, tt.delta)
		}
	}
}

func TestReservationClassAndInform(t *testing.T) {
	ts := newTestServer(t, testConfig)
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 0x99, dhcp4.Option{Code: 55, Data: []byte{12}}), relay)
	if off == nil || off.YIAddr.Addr() != netip.MustParseAddr("198.51.100.50") {
		t.Fatalf("reserved client offered %+v", off)
	}
	if hn, _ := off.Get(12); string(hn) != "reserved" {
		t.Errorf("hostname %q, want the reserved one", hn)
	}
	pxe, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 8, dhcp4.Option{Code: 60, Data: []byte("PXEClient")}, dhcp4.Option{Code: 55, Data: []byte{66}}), relay)
	if pxe == nil || string(pxe.BootFileName()) != "pxelinux.0" {
		t.Fatalf("class client: %+v", pxe)
	}
	if v, _ := pxe.Get(66); string(v) != "tftp.example.org" {
		t.Errorf("class option 66 = %q", v)
	}
	inf := query(dhcp4.DHCPINFORM, 9, dhcp4.Option{Code: 55, Data: []byte{3, 6}})
	inf.GIAddr, inf.Hops = dhcp4.IPv4{}, 0
	inf.CIAddr = dhcp4.IPv4{198, 51, 100, 77}
	ack, out := ts.exchange(t, inf, netip.MustParseAddrPort("198.51.100.77:68"))
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK || !ack.YIAddr.IsZero() || ack.Has(51) || !ack.Has(3) {
		t.Fatalf("INFORM reply %+v", ack)
	}
	if out.Dst != netip.MustParseAddrPort("198.51.100.77:68") {
		t.Errorf("INFORM reply to %v", out.Dst)
	}
	if _, err := ts.store.Lease4(netip.MustParseAddr("198.51.100.77")); err == nil {
		t.Errorf("INFORM created a lease")
	}
}

func TestDeclineAndParseFailures(t *testing.T) {
	ts := newTestServer(t, testConfig)
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 10), relay)
	yi := off.YIAddr.Addr()
	ts.exchange(t, query(dhcp4.DHCPREQUEST, 10, dhcp4.Option{Code: 50, Data: yi.AsSlice()}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), relay)
	ts.exchange(t, query(dhcp4.DHCPDECLINE, 10, dhcp4.Option{Code: 50, Data: yi.AsSlice()}), relay)
	l, err := ts.store.Lease4(yi)
	if err != nil || l.State != lease.StateDeclined || l.ValidLifetime != 86400 {
		t.Fatalf("declined lease: %+v, %v", l, err)
	}
	if v := ts.stats.Counter("declined-addresses").Value(); v != 1 {
		t.Errorf("declined-addresses = %d", v)
	}
	for _, b := range [][]byte{{1, 2, 3}, make([]byte, 236), append(make([]byte, 236), 1, 2, 3, 4)} {
		np := netio.NewPacket()
		n := copy(np.Payload(), b)
		np.SetPayload(n)
		ts.Handle(np)
	}
	// Shorter than the BOOTP header: refused before any statistic counts
	// it, as Kea's Pkt4 does (TestReceivedStatsKea22).
	if v := ts.stats.Counter("pkt4-parse-failed").Value(); v != 2 {
		t.Errorf("pkt4-parse-failed = %d, want 2", v)
	}
	if v := ts.stats.Counter("pkt4-received").Value(); v != 5 {
		t.Errorf("pkt4-received = %d, want 5", v)
	}
}
