package server4_test

import (
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// pkt4Stats returns every pkt4-* statistic with its current value, as
// statistic-get-all lists them, in one line.
func (d *diffServer) pkt4Stats(t *testing.T) string {
	t.Helper()
	var m struct {
		Arguments map[string][][]any `json:"arguments"`
	}
	if err := json.Unmarshal([]byte(d.command(t, `{"command": "statistic-get-all"}`)), &m); err != nil {
		t.Fatalf("%s: statistic-get-all: %v", d.name, err)
	}
	var names []string
	for n := range m.Arguments {
		if strings.HasPrefix(n, "pkt4-") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if s := m.Arguments[n]; len(s) > 0 && len(s[0]) > 0 {
			fmt.Fprintf(&b, " %s=%v", n, s[0][0])
		}
	}
	return b.String()
}

// TestReceivedStatsKea22 sends kea-dhcp4 2.2 and nestor relayed queries
// of every DHCP message type (those a server answers and those it does
// not, unknown ones, none at all) and packets too short or too broken to
// parse, and compares the pkt4-* statistics after each: which exist at
// startup and where each query is counted.
func TestReceivedStatsKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp4")
	bin := nestorBinary(t)
	cfg := strings.Replace(diffConfig, `"lease-database"`, `"control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"}, "lease-database"`, 1)
	kea := startServerWith(t, "kea-dhcp4", "s4sk", cfg, func(c string) []string { return []string{"kea-dhcp4", "-c", c} })
	nes := startServerWith(t, "nestor", "s4sn", cfg, func(c string) []string { return []string{bin, "dhcp4", "-c", c} })
	if k, n := kea.pkt4Stats(t), nes.pkt4Stats(t); k != n {
		t.Errorf("at startup:\nkea-dhcp4 2.2:%s\nnestor:       %s", k, n)
	}
	var queries [][]byte
	for mt := 1; mt <= 18; mt++ {
		p := relayed(dhcp4.MessageType(mt), byte(0x40+mt), uint32(0x4000+mt))
		b, err := p.Encode()
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, b)
	}
	noType := relayed(dhcp4.DHCPDISCOVER, 0x60, 0x4060)
	b, err := noType.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// Drop option 53 (the first option after the magic cookie).
	cut := append([]byte{}, b[:240]...)
	queries = append(queries, append(cut, b[243:]...))
	queries = append(queries,
		b[:100],                    // shorter than the fixed header
		b[:236],                    // no magic cookie
		b[:238],                    // half a cookie
		append(b[:240:240], 53, 5), // option 53 running past the end
	)
	dst := &net.UDPAddr{IP: net.ParseIP(testnet.ServerV4), Port: 67}
	for i, q := range queries {
		for _, d := range []*diffServer{kea, nes} {
			if _, err := d.conn.WriteToUDP(q, dst); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond)
		if k, n := kea.pkt4Stats(t), nes.pkt4Stats(t); k != n {
			t.Errorf("after query %d (%x):\nkea-dhcp4 2.2:%s\nnestor:       %s", i, q[:min(len(q), 16)], k, n)
		}
	}
}
