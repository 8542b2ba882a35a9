package server4

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/pkt"
)

// d2Loopback is a UDP listener on loopback standing in for
// kea-dhcp-ddns.
func d2Loopback(t *testing.T) (*net.UDPConn, int) {
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, l.LocalAddr().(*net.UDPAddr).Port
}

// nextNCR waits for one NCR; nil when none comes within the wait.
func nextNCR(t *testing.T, l *net.UDPConn, wait time.Duration) *ncr.Request {
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

// TestDDNS4UpdateHookAndResend checks ddns4_update's arguments and that
// its changes reach the reply and the NCR, then lease4-resend-ddns
// (lease_cmds) sending the lease's NCR through the server's sender.
func TestDDNS4UpdateHookAndResend(t *testing.T) {
	d2, port := d2Loopback(t)
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, fmt.Sprintf(`"valid-lifetime": 4000,
  "dhcp-ddns": {"enable-updates": true, "server-ip": "127.0.0.1", "server-port": %d},
  "ddns-qualifying-suffix": "example.org",
  "hooks-libraries": [%s, {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],`, port, rec.Entry()), 1)
	ts := newTestServer(t, cfg)
	rec.On("ddns4_update", func(h *hooks.CalloutHandle) error {
		if name := hooks.MustGet[string](h, "hostname"); name == "orig.example.org." {
			hooks.Set(h, "hostname", "hooked.example.org.")
			hooks.Set(h, "fwd-update", false)
		}
		return nil
	})
	fq := dhcp4.Option{Code: dhcp4.OptionFQDN, Data: append([]byte{1, 0, 0}, "orig.example.org."...)}
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 1, fq), relay)
	if off == nil {
		t.Fatal("no OFFER")
	}
	if r := nextNCR(t, d2, 300*time.Millisecond); r != nil {
		t.Fatalf("NCR for an OFFER: %s", r)
	}
	ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, 1, fq,
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: off.YIAddr[:]},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), relay)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK: %v", ack)
	}
	if got, _ := ack.Get(dhcp4.OptionFQDN); !strings.HasSuffix(string(got), "hooked.example.org.") {
		t.Errorf("reply FQDN %q, want the hook's name", got)
	}
	want := []string{"ddns-params", "fwd-update", "hostname", "query4", "response4", "rev-update", "subnet4"}
	calls := rec.Calls("ddns4_update")
	if len(calls) != 2 {
		t.Fatalf("ddns4_update called %d times, want 2 (DISCOVER, REQUEST)", len(calls))
	}
	for _, c := range calls {
		if !slices.Equal(c.Names(), want) {
			t.Errorf("ddns4_update arguments %v, want %v", c.Names(), want)
		}
		for name, typ := range map[string]any{"query4": (*pkt.Pkt4)(nil), "response4": (*pkt.Pkt4)(nil),
			"subnet4": (*config.Subnet4)(nil), "hostname": "", "fwd-update": false, "rev-update": false,
			"ddns-params": (*config.Effective4)(nil)} {
			if a, _ := c.Arg(name); a.Type == nil || a.Type.String() != fmt.Sprintf("%T", typ) {
				t.Errorf("ddns4_update %s has type %v, want %T", name, a.Type, typ)
			}
		}
	}
	r := nextNCR(t, d2, 3*time.Second)
	if r == nil {
		t.Fatal("no NCR after the ACK")
	}
	addr := ack.YIAddr.Addr().String()
	if r.Type != ncr.Add || r.Forward || !r.Reverse || r.FQDN != "hooked.example.org." || r.IPAddress != addr ||
		r.LeaseLength != 1333 || !r.UseConflictResolution {
		t.Errorf("NCR %s", r)
	}
	// lease4-resend-ddns sends the same request again.
	got := ts.Commands().ProcessText([]byte(`{"command": "lease4-resend-ddns", "arguments": {"ip-address": "` + addr + `"}}`))
	if !strings.Contains(string(got), `"NCR generated for: `+addr+`, hostname: hooked.example.org."`) {
		t.Fatalf("lease4-resend-ddns: %s", got)
	}
	r2 := nextNCR(t, d2, 3*time.Second)
	if r2 == nil || string(r2.JSON()) != string(r.JSON()) {
		t.Fatalf("resent NCR %v, want %s", r2, r)
	}
	// RELEASE removes the entries.
	rel := query(dhcp4.DHCPRELEASE, 1)
	rel.CIAddr = ack.YIAddr
	ts.exchange(t, rel, relay)
	r3 := nextNCR(t, d2, 3*time.Second)
	if r3 == nil || r3.Type != ncr.Remove || r3.FQDN != "hooked.example.org." || r3.Forward || !r3.Reverse {
		t.Fatalf("NCR after RELEASE: %v", r3)
	}
}

// TestDDNS4Disabled: without enable-updates nothing is sent, the reply
// says the server does no update.
func TestDDNS4Disabled(t *testing.T) {
	d2, port := d2Loopback(t)
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, fmt.Sprintf(`"valid-lifetime": 4000,
  "dhcp-ddns": {"enable-updates": false, "server-ip": "127.0.0.1", "server-port": %d},`, port), 1)
	ts := newTestServer(t, cfg)
	fq := dhcp4.Option{Code: dhcp4.OptionFQDN, Data: append([]byte{1, 0, 0}, "h.example.org."...)}
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 1, fq), relay)
	if off == nil {
		t.Fatal("no OFFER")
	}
	ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, 1, fq,
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: off.YIAddr[:]},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), relay)
	if ack == nil {
		t.Fatal("no ACK")
	}
	if got, _ := ack.Get(dhcp4.OptionFQDN); len(got) < 1 || got[0] != fqdnN|fqdnO {
		t.Errorf("reply FQDN flags %x, want N|O", got)
	}
	if r := nextNCR(t, d2, 300*time.Millisecond); r != nil {
		t.Fatalf("NCR with updates disabled: %s", r)
	}
}
