package server6

import (
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// pkt6Stats returns every pkt6-* statistic with its current value, as
// statistic-get-all lists them.
func (d *diffServer6) pkt6Stats(t *testing.T) map[string]float64 {
	t.Helper()
	m := d.command(t, `{"command": "statistic-get-all"}`)
	args, _ := m["arguments"].(map[string]any)
	out := map[string]float64{}
	for name, v := range args {
		if !strings.HasPrefix(name, "pkt6-") {
			continue
		}
		samples, _ := v.([]any)
		if len(samples) == 0 {
			continue
		}
		s, _ := samples[0].([]any)
		if len(s) > 0 {
			out[name], _ = s[0].(float64)
		}
	}
	return out
}

func statsText(m map[string]float64) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, " %s=%v", n, m[n])
	}
	return b.String()
}

// TestReceivedStatsKea22 sends kea-dhcp6 2.2 and nestor queries of every
// message type a server does not answer, relay messages too short to
// unwrap and the malformed queries of the flood test, and compares the
// pkt6-* statistics: which exist at startup (pkt6-confirm-received and
// pkt6-reconfigure-received only appear with the first such message) and
// where each query is counted.
func TestReceivedStatsKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	cfg := strings.Replace(diffConfig6, `"data-directory": "DIR",`,
		`"data-directory": "DIR", "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},`, 1)
	kea := startDiffServer6With(t, cfg, "kea-dhcp6", "s6sk", func(c string) []string { return []string{"kea-dhcp6", "-c", c} })
	nes := startDiffServer6With(t, cfg, "nestor", "s6sn", func(c string) []string { return []string{bin, "dhcp6", "-c", c} })
	if k, n := statsText(kea.pkt6Stats(t)), statsText(nes.pkt6Stats(t)); k != n {
		t.Errorf("at startup:\nkea-dhcp6 2.2:%s\nnestor:       %s", k, n)
	}
	clientID := []byte{0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x61}
	ia := []byte{0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	var queries [][]byte
	for _, mt := range []byte{2, 7, 4, 5, 10, 12, 13, 99} {
		q := append([]byte{mt, 1, 2, 3}, clientID...)
		queries = append(queries, append(q, ia...))
	}
	queries = append(queries, malformed6...)
	// A relay header cut short: unknown for Kea, not a parse failure.
	queries = append(queries, append([]byte{12, 0}, make([]byte, 20)...))
	dst := &net.UDPAddr{IP: net.ParseIP(testnet.ServerV6), Port: 547}
	for i, q := range queries {
		for _, d := range []*diffServer6{kea, nes} {
			if _, err := d.conn.WriteToUDP(q, dst); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond)
		k, n := statsText(kea.pkt6Stats(t)), statsText(nes.pkt6Stats(t))
		if k != n {
			t.Errorf("after query %d (%x):\nkea-dhcp6 2.2:%s\nnestor:       %s", i, q, k, n)
		}
	}
}
