package testnet

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// LastLeaseRows reads a Kea memfile lease file (leases4.csv or
// leases6.csv) and returns each address's last row split into its
// columns, the header and short rows left out.
func LastLeaseRows(t testing.TB, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 10 || f[0] == "address" {
			continue
		}
		last[f[0]] = f
	}
	return last
}

// PerfdhcpReceived reads from perfdhcp's report the received-packets count
// of one exchange: "REQUEST-ACK" (-4) or "REQUEST-REPLY" (-6) for the
// second one; 0 when the report lacks it.
func PerfdhcpReceived(out, exchange string) int {
	i := strings.Index(out, "***Statistics for: "+exchange+"***")
	if i < 0 {
		return 0
	}
	var n int
	if j := strings.Index(out[i:], "received packets: "); j >= 0 {
		fmt.Sscanf(out[i+j+len("received packets: "):], "%d", &n)
	}
	return n
}
