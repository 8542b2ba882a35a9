package leasedb_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// TestSharedDatabase: two DHCPv4 servers (Nestor and Nestor, Nestor and
// Kea 2.2) serve the same subnet and pool from one lease database (made by
// Kea 2.2's kea-admin), each in its own pair of test namespaces, both
// driven by perfdhcp at the same time with more clients than the pool
// holds. No address is allocated by both servers, every allocation a
// server logged (and perfdhcp saw acknowledged) is in the database with
// that client. Then the first server alone fills the rest of the pool:
// what the other server holds is skipped, what is free is found.
func TestSharedDatabase(t *testing.T) {
	testnet.Require(t, "perfdhcp")
	const poolSize, clients = 60, 50 // per perfdhcp run; two runs
	for _, backend := range []string{"pgsql", "mysql"} {
		for _, family := range []int{4, 6} {
			for _, second := range []string{"nestor", "kea"} {
				t.Run(fmt.Sprintf("%s/v%d/nestor+%s", backend, family, second), func(t *testing.T) {
					d := newKeaDB(t, backend)
					small := func(c map[string]any) {
						if family == 6 {
							c["subnet6"].([]any)[0].(map[string]any)["pools"] = []any{map[string]any{
								"pool": fmt.Sprintf("2001:db8:1::1000 - 2001:db8:1::%x", 0x1000+poolSize-1)}}
							return
						}
						c["subnet4"] = []any{map[string]any{"id": 1, "subnet": "198.51.100.0/24",
							"pools": []any{map[string]any{"pool": fmt.Sprintf("198.51.100.10 - 198.51.100.%d", 10+poolSize-1)}}}}
					}
					run := func(p *testnet.Pair, n int, tag string) string {
						args := []string{"-4", "-l", p.ClientIface, "-r", "25", "-n", fmt.Sprint(n), "-R", fmt.Sprint(n),
							"-b", "mac=02:" + tag + ":00:00:00", "-W", "2000000", testnet.ServerV4}
						if family == 6 {
							args = []string{"-6", "-l", p.ClientIface, "-r", "25", "-n", fmt.Sprint(n), "-R", fmt.Sprint(n),
								"-b", "mac=02:" + tag + ":00:00:00", "-W", "2000000"}
						}
						out, _ := p.Client.Command("perfdhcp", args...).CombinedOutput()
						return string(out)
					}
					impls := []string{"nestor", second}
					var pairs []*testnet.Pair
					var srvs []*server
					for i, impl := range impls {
						p := testnet.NewPair(t, fmt.Sprintf("ldb%c", 'a'+i))
						if family == 4 {
							p.AddClientAddrs()
						}
						pairs = append(pairs, p)
						srvs = append(srvs, startServerWith(t, p, impl, family, true, d.leaseDB(nil), small))
					}
					outs := make([]string, 2)
					var wg sync.WaitGroup
					for i, p := range pairs {
						wg.Add(1)
						go func() {
							defer wg.Done()
							// Distinct client identifiers per run.
							outs[i] = run(p, clients, fmt.Sprintf("%02x:00", 0xa0+i))
						}()
					}
					wg.Wait()
					// The servers offer from the same iterative sequence: a
					// client whose offered address the other server gave away
					// meanwhile is NAKed (as with two Kea servers), so the pool
					// need not be full yet. The first server fills it.
					outs = append(outs, run(pairs[0], poolSize, "a0:01"))
					db := srvs[0].leases(t, family)
					by := map[string]string{}
					total := 0
					for i, s := range srvs {
						got := allocated(family, s.proc.Output())
						a := acks(family, outs[i])
						if i == 0 {
							a += acks(family, outs[2])
						}
						// A DHCPv6 REPLY with NoAddrsAvail (pool used up) is a
						// REQUEST-REPLY to perfdhcp too.
						if a != len(got) && (family == 4 || a < len(got)) {
							t.Errorf("%s: perfdhcp received %d acknowledgements, the server allocated %d leases", impls[i], a, len(got))
						}
						if len(got) == 0 {
							t.Errorf("%s allocated nothing:\n%s", impls[i], outs[i])
						}
						for _, a := range got {
							if prev, dup := by[a]; dup {
								t.Errorf("%s allocated by %s and by server %d (%s)", a, prev, i, impls[i])
							}
							by[a] = fmt.Sprintf("server %d (%s)", i, impls[i])
							l := db[a]
							if l == nil {
								t.Errorf("%s allocated %s, not in the database", impls[i], a)
								continue
							}
							if family == 6 {
								continue
							}
							if hw, _ := l["hw-address"].(string); len(hw) < 5 || hw[:5] != fmt.Sprintf("02:%02x", 0xa0+i) {
								t.Errorf("database has %s for %s, allocated by %s to one of its own clients", hw, a, impls[i])
							}
						}
						total += len(got)
					}
					if len(db) != total {
						t.Errorf("database holds %d leases, the servers allocated %d", len(db), total)
					}
					if total != poolSize {
						t.Errorf("%d leases allocated for %d clients, want the whole pool (%d)", total, 2*clients+poolSize, poolSize)
					}
					t.Logf("%d leases: %d by %s, %d by %s", total, len(allocated(family, srvs[0].proc.Output())), impls[0],
						len(allocated(family, srvs[1].proc.Output())), impls[1])
				})
			}
		}
	}
}
