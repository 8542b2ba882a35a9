package server4

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/netio"
)

// The DORA benchmarks follow bench/run.sh's perfdhcp scenarios without
// sockets: one op is a whole exchange (DISCOVER then REQUEST) of a relayed
// client, with the lease file written. They count instructions and
// allocations of the Go side (the kernel side is not here); run them with
// a fixed count, the pool holds 131,070 addresses:
//
//	go test -run '^$' -bench DORA -benchtime 20000x -benchmem ./server4

// doraConfig is bench/run.sh's Dhcp4 configuration; extra goes before
// "valid-lifetime" (hooks-libraries, client-classes).
func doraConfig(extra string) string {
	return `{"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": true, "name": "LEASES", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  ` + extra + `
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15",
    "pools": [{"pool": "198.18.0.1 - 198.19.255.254"}],
    "relay": {"ip-addresses": ["198.51.100.1"]},
    "option-data": [{"name": "routers", "data": "198.18.0.1"},
                    {"name": "domain-name-servers", "data": "198.51.100.1"}]}]
}}`
}

// benchClasses is bench/run.sh's classes_json: 20 classes with option
// data, ten testing the MAC's last byte, ten matching nearly every query.
func benchClasses() string {
	var b strings.Builder
	b.WriteString(`"client-classes": [`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		t := fmt.Sprintf("substring(pkt4.mac,5,1) == 0x%02x and option[55].exists", i)
		if i >= 10 {
			t = fmt.Sprintf("(pkt4.msgtype == 1 or pkt4.msgtype == 3) and not (substring(pkt4.mac,4,1) == 0x%02x)", i)
		}
		fmt.Fprintf(&b, `{"name": "class%02d", "test": "%s", "option-data": [{"name": "domain-name", "data": "class%02d.example.org"}, {"name": "ntp-servers", "data": "198.51.100.%d", "always-send": true}]}`, i, t, i, i+10)
	}
	b.WriteString("],")
	return b.String()
}

const benchLeaseCmds = `"hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],`

// doraServer is a server on cfg whose replies are decoded into reply.
type doraServer struct {
	*testServer
	reply dhcp4.Packet
	ok    bool
}

func newDORAServer(b *testing.B, cfg string) *doraServer {
	klog.Default.Configure([]klog.LoggerConfig{{Name: "kea", Severity: "WARN", OutputOptions: []klog.OutputOption{klog.NewOutputOption("stderr")}}})
	b.Cleanup(func() { klog.Default.Configure(nil) })
	// the hooks' load messages would break the benchmark's output lines
	def := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(def) })
	d := &doraServer{testServer: newTestServer(&testing.T{}, cfg)}
	d.Server.sender = func(p *netio.Packet) error {
		d.ok = d.reply.Decode(p.Data) == nil
		return nil
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// doraClient is one client's DISCOVER and REQUEST, packed once; the MAC
// and xid are patched in place per exchange.
type doraClient struct {
	disc, req *netio.Packet
}

func newDORAClient(b *testing.B) *doraClient {
	prl := dhcp4.Option{Code: 55, Data: []byte{1, 3, 6, 15, 42}}
	disc := benchPacket(b, query(dhcp4.DHCPDISCOVER, 0, prl))
	req := benchPacket(b, query(dhcp4.DHCPREQUEST, 0, prl,
		dhcp4.Option{Code: 50, Data: []byte{0, 0, 0, 0}},
		dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}))
	return &doraClient{disc, req}
}

// setMAC writes the client's MAC (chaddr bytes 28..33) and xid.
func setMAC(p *netio.Packet, n uint32) {
	d := p.Data
	d[4], d[5], d[6], d[7] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	d[28], d[29], d[30], d[31], d[32], d[33] = 2, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
}

// requestedIP finds option 50's value in a REQUEST packed by query.
func requestedIP(p *netio.Packet) []byte {
	d := p.Data
	for i := 240; i+2 <= len(d); {
		code, l := d[i], int(d[i+1])
		if code == 50 {
			return d[i+2 : i+2+l]
		}
		if code == 0 {
			i++
			continue
		}
		i += 2 + l
	}
	return nil
}

// exchange runs one DORA of client n; false when it did not end in an ACK.
func (d *doraServer) exchange(c *doraClient, n uint32) bool {
	setMAC(c.disc, n)
	d.ok = false
	d.Handle(c.disc)
	if !d.ok || d.reply.MessageType() != dhcp4.DHCPOFFER {
		return false
	}
	copy(requestedIP(c.req), d.reply.YIAddr[:])
	setMAC(c.req, n)
	d.ok = false
	d.Handle(c.req)
	return d.ok && d.reply.MessageType() == dhcp4.DHCPACK
}

func benchDORA(b *testing.B, cfg string, clients uint32) {
	d := newDORAServer(b, cfg)
	c := newDORAClient(b)
	if clients > 0 {
		for n := range clients { // the returning clients have their leases
			if !d.exchange(c, n) {
				b.Fatalf("client %d: no ACK", n)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := uint32(i) + 1_000_000
		if clients > 0 {
			n = uint32(i) % clients
		}
		if !d.exchange(c, n) {
			b.Fatalf("exchange %d: no ACK", i)
		}
	}
}

// BenchmarkDORANew is bench/run.sh's dora: a new client every exchange.
func BenchmarkDORANew(b *testing.B) { benchDORA(b, doraConfig(""), 0) }

// BenchmarkDORAReuse is its reuse: 1000 clients repeated, every one with
// its lease (found, extended, a lease file row).
func BenchmarkDORAReuse(b *testing.B) { benchDORA(b, doraConfig(""), 1000) }

// BenchmarkDORAHook is its hook scenario: lease_cmds loaded, none of its
// callouts on the packet path.
func BenchmarkDORAHook(b *testing.B) { benchDORA(b, doraConfig(benchLeaseCmds), 0) }

// BenchmarkDORAClasses is its classes scenario: 20 classes with options.
func BenchmarkDORAClasses(b *testing.B) { benchDORA(b, doraConfig(benchClasses()), 0) }
