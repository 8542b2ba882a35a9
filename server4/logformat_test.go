package server4

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/netio"
)

// TestEngineMessagesInKeaLayout: the DHCPRELEASE and DHCPDECLINE (and
// some allocation) messages the allocation engine logs (through log/slog) come out as Kea
// writes them: its layout, logger, severity, message ID and text with the
// arguments of dhcp4_srv.cc's processRelease/processDecline.
func TestEngineMessagesInKeaLayout(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "kea.log")
	m := klog.NewManager("kea-dhcp4")
	if err := m.Configure([]klog.LoggerConfig{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 99,
		OutputOptions: []klog.OutputOption{klog.NewOutputOption(logFile)}}}); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfgText := strings.ReplaceAll(testConfig, "LEASES", filepath.Join(dir, "leases4.csv"))
	cfg, _, err := config.ParseDhcp4("test", []byte(cfgText), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{dir: dir}
	ts.Server = New(Options{NoSockets: true, LocalAddrs: []netip.Addr{netip.MustParseAddr("198.51.100.1")},
		Logger: m.Logger("dhcp4"), Slog: m.Slog("dhcp4"),
		Sender: func(p *netio.Packet) error {
			c := netio.NewPacket()
			c.SetPayload(copy(c.Payload(), p.Data))
			ts.mu.Lock()
			ts.replies = append(ts.replies, c)
			ts.mu.Unlock()
			return nil
		}})
	if err := ts.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	defer ts.Close()

	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 10), relay)
	if off == nil {
		t.Fatal("no offer")
	}
	yi := off.YIAddr.Addr()
	ts.exchange(t, query(dhcp4.DHCPREQUEST, 10, dhcp4.Option{Code: 50, Data: yi.AsSlice()}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), relay)
	// Another client declines the address; a third releases one it has
	// no lease for; the owner declines it.
	ts.exchange(t, query(dhcp4.DHCPDECLINE, 11, dhcp4.Option{Code: 50, Data: yi.AsSlice()}, dhcp4.Option{Code: 61, Data: []byte{1, 2, 0, 0, 0, 0, 11}}), relay)
	rel := query(dhcp4.DHCPRELEASE, 12)
	rel.CIAddr = dhcp4.IPv4{198, 51, 100, 108}
	ts.exchange(t, rel, relay)
	ts.exchange(t, query(dhcp4.DHCPDECLINE, 10, dhcp4.Option{Code: 50, Data: yi.AsSlice()}), relay)
	ts.exchange(t, query(dhcp4.DHCPREQUEST, 13, dhcp4.Option{Code: 50, Data: ip("198.51.100.250")}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), relay)
	m.Flush()
	if b, _ := os.ReadFile(logFile); os.Getenv("SHOWLOG") != "" {
		t.Log(string(b))
	}

	label := func(mac byte, cid []byte) string {
		return formatLabel(1, []byte{2, 0, 0, 0, 0, mac}, cid, 0x1234)
	}
	want := map[string]string{
		"DHCP4_DECLINE_LEASE_MISMATCH": "WARN  [kea-dhcp4.dhcp4/PID.TID] DHCP4_DECLINE_LEASE_MISMATCH Received DHCPDECLINE for addr " + yi.String() +
			" from client " + label(11, []byte{1, 2, 0, 0, 0, 0, 11}) +
			", but the data doesn't match: received hwaddr: 02:00:00:00:00:0b, lease hwaddr: 02:00:00:00:00:0a, received client-id: 01:02:00:00:00:00:0b, lease client-id: (none)",
		"DHCP4_RELEASE_FAIL_NO_LEASE": "DEBUG [kea-dhcp4.leases/PID.TID] DHCP4_RELEASE_FAIL_NO_LEASE " + label(12, nil) +
			": client is trying to release non-existing lease 198.51.100.108",
		"ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL": "DEBUG [kea-dhcp4.alloc-engine/PID.TID] ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL client " + label(13, nil) +
			", which doesn't have a reservation, requested address 198.51.100.250 out of the dynamic pool",
		"DHCP4_DECLINE_LEASE": "INFO  [kea-dhcp4.dhcp4/PID.TID] DHCP4_DECLINE_LEASE Received DHCPDECLINE for addr " + yi.String() +
			" from client " + label(10, nil) + ". The lease will be unavailable for 86400 seconds.",
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		mm := keaLine.FindStringSubmatch(line)
		if mm == nil {
			t.Errorf("line not in Kea's layout: %q", line)
			continue
		}
		id, _, _ := strings.Cut(mm[3], " ")
		w, ok := want[id]
		if !ok {
			continue
		}
		found[id] = true
		if got := mm[1] + " [" + mm[2] + "/PID.TID] " + mm[3]; got != w {
			t.Errorf("%s:\n got %q\nwant %q", id, got, w)
		}
	}
	for id := range want {
		if !found[id] {
			t.Errorf("no %s line in:\n%s", id, b)
		}
	}
}
