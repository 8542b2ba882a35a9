package server4_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/internal/testnet"
)

const queueConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "dhcp-queue-control": {"enable-queue": QUEUE, "queue-type": "kea-ring4", "capacity": 4},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_run_script.so",
      "parameters": {"name": "DIR/slow.sh", "sync": true}}],
  "valid-lifetime": 4000,
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]}]
}}`

// TestQueueControlRing checks dhcp-queue-control in single-threaded mode:
// with kea-ring4 of capacity 4 a burst arriving while the server is busy
// keeps the newest packets and drops the oldest; without the queue every
// query of the burst waits in the socket and is answered. The server is
// made slow by a synchronous run_script script (sleep 0.3) at
// leases4_committed, so a burst of REQUESTs always arrives while the
// first one is in processing: the other 11 are sent once the script runs
// for the first. (Kea 2.2's run_script has no synchronous
// mode, so Kea cannot be compared here.)
func TestQueueControlRing(t *testing.T) {
	bin := nestorBinary(t)
	for _, tc := range []struct {
		queue string
		want  []int // indexes of the answered queries
	}{
		{"true", []int{0, 8, 9, 10, 11}},
		{"false", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	} {
		t.Run("enable-queue="+tc.queue, func(t *testing.T) {
			p := testnet.NewPair(t, "s4q"+tc.queue[:1])
			p.AddClientAddrs()
			if err := os.WriteFile(filepath.Join(p.Dir, "slow.sh"), []byte("#!/bin/sh\ntouch "+filepath.Join(p.Dir, "busy")+"\nsleep 0.3\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(p.Dir, "kea-dhcp4.json")
			text := strings.ReplaceAll(strings.Replace(queueConfig, "QUEUE", tc.queue, 1), "DIR", p.Dir)
			if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			srv := startIn(t, p, "nestor", cfg, bin, "dhcp4")
			d := &diffServer{name: "relay", p: p, conn: relayConn(t, p)}
			const n = 12
			for i := 0; i < n; i++ {
				if i == 1 {
					// The burst follows once the first query is in
					// processing (its script has started).
					waitExists(t, filepath.Join(p.Dir, "busy"), 5*time.Second)
				}
				q := relayed(dhcp4.DHCPREQUEST, byte(0x50+i), uint32(0x8000+i), prl)
				b, err := q.Encode()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.conn.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67}); err != nil {
					t.Fatal(err)
				}
			}
			// Collect replies until none came for 1.5 s (bounded by n).
			var got []int
			buf := make([]byte, 1500)
			for len(got) < n {
				d.conn.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
				m, _, err := d.conn.ReadFromUDP(buf)
				if err != nil {
					break
				}
				r := &dhcp4.Packet{}
				if r.Decode(buf[:m]) == nil && r.Xid >= 0x8000 && r.Xid < 0x8000+n {
					got = append(got, int(r.Xid-0x8000))
				}
			}
			if !equalInts(got, tc.want) {
				t.Errorf("answered queries %v, want %v\n%s", got, tc.want, srv.Output())
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// waitExists waits (bounded) until path exists.
func waitExists(t *testing.T, path string, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
	}
}
