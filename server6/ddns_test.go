package server6

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	_ "github.com/nestordhcp/nestor/hooks/leasecmds"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// fqdnQuery sends a REQUEST (or another message) with a Client FQDN
// option and one IA_NA (with addr when valid) and returns the reply.
func (h *harness) fqdnQuery(t dhcp6.MessageType, id byte, flags byte, name string, addr netip.Addr) *dhcp6.Packet {
	h.t.Helper()
	var b dhcp6.Builder
	b.Reset(nil)
	b.Header(t, 0xabcdef)
	b.Add(dhcp6.OptClientID, duid(id))
	b.Add(dhcp6.OptServerID, h.s.ServerDUID())
	d := []byte{flags}
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		d = append(d, byte(len(l)))
		d = append(d, l...)
	}
	b.Add(dhcp6.OptClientFQDN, append(d, 0))
	b.OpenIA(dhcp6.OptIANA, 1, 0, 0)
	if addr.IsValid() {
		b.OpenIAAddr(addr, 0, 0)
		b.Close()
	}
	b.Close()
	raw, err := b.Finish()
	if err != nil {
		h.t.Fatal(err)
	}
	h.replies = nil
	h.s.Handle(&netio.Packet{Data: raw, IfName: "lo", IfIndex: 2,
		Src: netip.AddrPortFrom(netip.MustParseAddr("fe80::1"), 546), Dst: netip.AddrPortFrom(netip.MustParseAddr("ff02::1:2"), 547)})
	if len(h.replies) == 0 {
		return nil
	}
	var p dhcp6.Packet
	if err := p.Decode(h.replies[0].Data); err != nil {
		h.t.Fatalf("reply does not decode: %v", err)
	}
	return &p
}

func nextNCR6(t *testing.T, l *net.UDPConn, wait time.Duration) *ncr.Request {
	t.Helper()
	buf := make([]byte, 4096)
	l.SetReadDeadline(time.Now().Add(wait))
	n, _, err := l.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	r, err := ncr.Parse(buf[:n])
	if err != nil {
		t.Fatalf("bad NCR %q: %v", buf[:n], err)
	}
	return r
}

// TestDDNS6UpdateHookAndResend checks ddns6_update's arguments and that
// its name reaches the reply and the NCR, then lease6-resend-ddns and
// RELEASE through the server's sender (a loopback listener as D2).
func TestDDNS6UpdateHookAndResend(t *testing.T) {
	d2, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	port := d2.LocalAddr().(*net.UDPAddr).Port
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	text := strings.Replace(testConfig, `"lease-database"`, fmt.Sprintf(`"hooks-libraries": [%s, {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],
  "dhcp-ddns": {"enable-updates": true, "server-ip": "127.0.0.1", "server-port": %d},
  "lease-database"`, rec.Entry(), port), 1)
	cfg, _, err := config.ParseDhcp6("t.json", []byte(text), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t}
	h.s = New(Options{NoSockets: true, Sender: func(p *netio.Packet) error {
		h.replies = append(h.replies, &netio.Packet{Data: append([]byte(nil), p.Payload()[:len(p.Data)]...)})
		return nil
	}})
	if err := h.s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.s.Close() })
	rec.On("ddns6_update", func(ch *hooks.CalloutHandle) error {
		if hooks.MustGet[string](ch, "hostname") == "orig.example.org." {
			hooks.Set(ch, "hostname", "hooked.example.org.")
		}
		return nil
	})
	rep := h.fqdnQuery(dhcp6.MsgRequest, 1, 1, "orig.example.org.", netip.Addr{})
	if rep == nil {
		t.Fatal("no REPLY")
	}
	if o, ok := rep.Options.Get(dhcp6.OptClientFQDN); !ok || o.Data[0] != fqdnS || !strings.Contains(string(o.Data), "\x06hooked") {
		t.Errorf("reply Client FQDN %q", o.Data)
	}
	calls := rec.Calls("ddns6_update")
	want := []string{"ddns-params", "fwd-update", "hostname", "query6", "response6", "rev-update", "subnet6"}
	if len(calls) != 1 || !slices.Equal(calls[0].Names(), want) {
		t.Fatalf("ddns6_update calls %+v, want one with %v", calls, want)
	}
	for name, typ := range map[string]any{"query6": (*pkt.Pkt6)(nil), "response6": (*pkt.Pkt6)(nil),
		"subnet6": (*config.Subnet6)(nil), "hostname": "", "fwd-update": false, "rev-update": false,
		"ddns-params": (*config.Effective6)(nil)} {
		if a, _ := calls[0].Arg(name); a.Type == nil || a.Type.String() != fmt.Sprintf("%T", typ) {
			t.Errorf("ddns6_update %s has type %v, want %T", name, a.Type, typ)
		}
	}
	r := nextNCR6(t, d2, 3*time.Second)
	if r == nil {
		t.Fatal("no NCR after the REPLY")
	}
	if r.Type != ncr.Add || !r.Forward || !r.Reverse || r.FQDN != "hooked.example.org." || r.LeaseExpiresOn != 0 ||
		r.LeaseLength != 1333 || string(r.DHCID) != string(ncr.DHCID6(duid(1), "hooked.example.org.")) {
		t.Fatalf("NCR %s", r)
	}
	addr := r.IPAddress
	got := h.s.Commands().ProcessText([]byte(`{"command": "lease6-resend-ddns", "arguments": {"ip-address": "` + addr + `"}}`))
	if !strings.Contains(string(got), `"NCR generated for: `+addr+`, hostname: hooked.example.org."`) {
		t.Fatalf("lease6-resend-ddns: %s", got)
	}
	r2 := nextNCR6(t, d2, 3*time.Second)
	if r2 == nil || r2.Type != ncr.Add || r2.FQDN != r.FQDN || r2.IPAddress != addr || r2.LeaseExpiresOn == 0 {
		t.Fatalf("resent NCR %v", r2)
	}
	h.fqdnQuery(dhcp6.MsgRelease, 1, 1, "orig.example.org.", netip.MustParseAddr(addr))
	r3 := nextNCR6(t, d2, 3*time.Second)
	if r3 == nil || r3.Type != ncr.Remove || r3.FQDN != r.FQDN || r3.IPAddress != addr {
		t.Fatalf("NCR after RELEASE: %v", r3)
	}
}
