package alloc

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// Two servers on one lease database: each engine has its own store (its
// own connections), as two processes would.

type sqlBackend struct {
	name  string
	newDB func(t *testing.T) sqlcommon.Config
	open4 func(cfg sqlcommon.Config) (*sqlcommon.Store4, error)
	open6 func(cfg sqlcommon.Config) (*sqlcommon.Store6, error)
}

var sqlBackends = []sqlBackend{
	{"PostgreSQL", func(t *testing.T) sqlcommon.Config {
		return newSharedDB(t, "PostgreSQL", sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"}, pgsql.OpenDB,
			"DROP DATABASE %s WITH (FORCE)", func(db *sql.DB) error { return pgsql.InitSchema(context.Background(), db, pgsql.Kea22) })
	}, pgsql.Open4, pgsql.Open6},
	{"MariaDB", func(t *testing.T) sqlcommon.Config {
		return newSharedDB(t, "MySQL", sqlcommon.Config{Host: storetest.MySQLHost(), User: "root"}, mysql.OpenDB,
			"DROP DATABASE %s", func(db *sql.DB) error { return mysql.InitSchema(context.Background(), db, mysql.Kea22) })
	}, mysql.Open4, mysql.Open6},
}

// newSharedDB creates a database with Kea 2.2's schema, dropped at the end
// of the test (skipped when the server is unreachable).
func newSharedDB(t *testing.T, what string, admin sqlcommon.Config, openDB func(sqlcommon.Config) (*sql.DB, error), drop string, initSchema func(*sql.DB) error) sqlcommon.Config {
	t.Helper()
	adb, err := openDB(admin)
	if err != nil {
		t.Fatal(err)
	}
	name := storetest.TestName()
	storetest.CreateDB(t, adb, what, "CREATE DATABASE "+name, fmt.Sprintf(drop, name))
	cfg := admin
	cfg.Name, cfg.PoolSize = name, 4
	db, err := openDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := initSchema(db); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// racyStore4 lets the other server write right after this one read the
// lease of an address: once has its turn on the next read of target.
type racyStore4 struct {
	*sqlcommon.Store4
	mu     sync.Mutex
	target netip.Addr
	once   func()
}

func (r *racyStore4) Lease4(a netip.Addr) (*lease.Lease4, error) {
	l, err := r.Store4.Lease4(a)
	r.mu.Lock()
	f := r.once
	if a != r.target {
		f = nil
	} else {
		r.once = nil
	}
	r.mu.Unlock()
	if f != nil {
		f()
	}
	return l, err
}

// ClientLeases4 lets the other server write right after target was read
// with the client's leases (the client's lease, a REQUEST's requested
// address).
func (r *racyStore4) ClientLeases4(cid, hw []byte, a netip.Addr) ([]*lease.Lease4, []*lease.Lease4, *lease.Lease4, error) {
	byCID, byHW, at, err := r.Store4.ClientLeases4(cid, hw, a)
	r.mu.Lock()
	read := a == r.target
	for _, l := range append(byCID, byHW...) {
		read = read || l.Addr == r.target
	}
	f := r.once
	if !read {
		f = nil
	} else {
		r.once = nil
	}
	r.mu.Unlock()
	if f != nil {
		f()
	}
	return byCID, byHW, at, err
}

const sharedConfig = `{"Dhcp4": {
  "valid-lifetime": 4000,
  "subnet4": [{"id": 1, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.59"}]}]
}}`

// sharedEnv is one "server": an engine over its own connections.
func sharedEnv(t *testing.T, b sqlBackend, cfg sqlcommon.Config, js string) (*env, *racyStore4) {
	t.Helper()
	s, err := b.open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rs := &racyStore4{Store4: s}
	c := loadConfig(t, js)
	ev := &env{t: t, cfg: c, now: time.Now()}
	ev.eng = NewEngine4(c, rs, nil, nil, nil, quietLog())
	t.Cleanup(ev.eng.Close)
	return ev, rs
}

func TestSharedDatabase4(t *testing.T) {
	for _, b := range sqlBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("Concurrent", func(t *testing.T) { sharedConcurrent4(t, b) })
			t.Run("RenewRace", func(t *testing.T) { sharedRenewRace4(t, b) })
			t.Run("ReuseRace", func(t *testing.T) { sharedReuseRace4(t, b, "") })
			t.Run("ReuseRaceRequested", func(t *testing.T) { sharedReuseRace4(t, b, "203.0.113.10") })
			t.Run("CreateRaceRequested", func(t *testing.T) { sharedCreateRace4(t, b) })
		})
	}
}

// sharedConcurrent4: two engines, two goroutines each, 120 clients for 50
// addresses. Every address is given once, each to the client the database
// says, and the pool is used up; addresses one server releases are given
// out by the other.
func sharedConcurrent4(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	a, _ := sharedEnv(t, b, cfg, sharedConfig)
	bb, _ := sharedEnv(t, b, cfg, sharedConfig)
	type got struct {
		mac  string
		addr netip.Addr
		by   *env
	}
	var mu sync.Mutex
	var given []got
	var wg sync.WaitGroup
	for w := range 4 {
		ev := a
		if w%2 == 1 {
			ev = bb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				m := mac(w*100 + i)
				hw, _ := lease.ParseHWAddr(m, lease.HTypeEther)
				ctx := &Context4{Subnet: ev.cfg.Subnet(1), HWAddr: hw}
				l, _, err := ev.eng.Allocate4(ctx)
				if err != nil {
					t.Errorf("Allocate4: %v", err)
					return
				}
				if l != nil {
					mu.Lock()
					given = append(given, got{m, l.Addr, ev})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(given) != 50 {
		t.Errorf("%d leases given, want the whole pool (50)", len(given))
	}
	check := func(given []got) {
		t.Helper()
		seen := map[netip.Addr]string{}
		for _, g := range given {
			if other, dup := seen[g.addr]; dup {
				t.Errorf("%s given to %s and %s", g.addr, other, g.mac)
			}
			seen[g.addr] = g.mac
			l, err := a.eng.store.Lease4(g.addr)
			if err != nil {
				t.Errorf("%s (to %s) not in the database: %v", g.addr, g.mac, err)
				continue
			}
			if l.HWAddr.String() != g.mac {
				t.Errorf("database has %s for %s, given to %s", l.HWAddr, g.addr, g.mac)
			}
		}
	}
	check(given)
	// Server b releases its leases; server a gives them to new clients
	// (its own view had them as used).
	var kept []got
	released := 0
	for _, g := range given {
		if g.by != bb {
			kept = append(kept, g)
			continue
		}
		hw, _ := lease.ParseHWAddr(g.mac, lease.HTypeEther)
		if old, err := bb.eng.Release4(&Context4{Subnet: bb.cfg.Subnet(1), HWAddr: hw}, g.addr); err != nil || old == nil {
			t.Fatalf("release %s: %v", g.addr, err)
		}
		released++
	}
	if released == 0 {
		t.Fatal("server b gave no lease")
	}
	for i := range released + 5 {
		m := mac(1000 + i)
		hw, _ := lease.ParseHWAddr(m, lease.HTypeEther)
		l, _, err := a.eng.Allocate4(&Context4{Subnet: a.cfg.Subnet(1), HWAddr: hw})
		if err != nil {
			t.Fatal(err)
		}
		if l != nil {
			kept = append(kept, got{m, l.Addr, a})
		}
	}
	if len(kept) != 50 {
		t.Errorf("after server b released %d, server a holds %d leases, want 50", released, len(kept))
	}
	check(kept)
}

// sharedRenewRace4: while server a renews a client's lease, server b gives
// the address to another client. Server a must not overwrite b's lease: no
// lease (NAK), as Kea.
func sharedRenewRace4(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	a, ra := sharedEnv(t, b, cfg, sharedConfig)
	bb, _ := sharedEnv(t, b, cfg, sharedConfig)
	c1 := client{mac: "02:00:00:00:01:01"}
	got := a.request(c1, 1)
	if got == "" {
		t.Fatal("no lease for the first client")
	}
	ad := netip.MustParseAddr(got)
	other, _ := lease.ParseHWAddr("02:00:00:00:02:02", lease.HTypeEther)
	ra.mu.Lock()
	ra.target = ad
	ra.once = func() {
		if err := bb.eng.store.DeleteLease4(ad); err != nil {
			t.Errorf("other server: %v", err)
		}
		l := &lease.Lease4{Addr: ad, HWAddr: other, ValidLifetime: 4000, CLTT: time.Now().Unix() + 7, SubnetID: 1}
		if err := bb.eng.store.AddLease4(l); err != nil {
			t.Errorf("other server: %v", err)
		}
	}
	ra.mu.Unlock()
	if renewed := a.request(c1, 1); renewed != "" {
		t.Errorf("renewal over another server's change gave %s", renewed)
	}
	l, err := bb.eng.store.Lease4(ad)
	if err != nil || l.HWAddr.String() != other.String() {
		t.Errorf("database has %v (%v), want the other server's lease", l, err)
	}
}

// sharedReuseRace4: the only address has an expired lease; while server a
// reuses it, server b gives it to its client. Server a gives nothing and b's
// lease stays.
//
// With req, the client requests the address: the engine reads it with the
// client's leases and writes without reading it again.
func sharedReuseRace4(t *testing.T, b sqlBackend, req string) {
	cfg := b.newDB(t)
	const one = `{"Dhcp4": {"valid-lifetime": 4000,
	  "subnet4": [{"id": 1, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.10"}]}]}}`
	ad := netip.MustParseAddr("203.0.113.10")
	old, _ := lease.ParseHWAddr("02:00:00:00:03:03", lease.HTypeEther)
	seed, err := b.open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.AddLease4(&lease.Lease4{Addr: ad, HWAddr: old, ValidLifetime: 100, CLTT: time.Now().Unix() - 1000, SubnetID: 1}); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	a, ra := sharedEnv(t, b, cfg, one)
	bb, _ := sharedEnv(t, b, cfg, one)
	theirs, _ := lease.ParseHWAddr("02:00:00:00:04:04", lease.HTypeEther)
	ra.mu.Lock()
	ra.target = ad
	ra.once = func() {
		if l, _, err := bb.eng.Allocate4(&Context4{Subnet: bb.cfg.Subnet(1), HWAddr: theirs}); err != nil || l == nil || l.Addr != ad {
			t.Errorf("other server: %v %v", l, err)
		}
	}
	ra.mu.Unlock()
	if got := a.alloc(a.ctx(client{mac: "02:00:00:00:05:05"}, 1, false, req)); got != "" {
		t.Errorf("server a gave %s, which the other server had just taken", got)
	}
	l, err := bb.eng.store.Lease4(ad)
	if err != nil || l.HWAddr.String() != theirs.String() {
		t.Errorf("database has %v (%v), want the other server's lease", l, err)
	}
}

// sharedCreateRace4: the requested address is free when server a reads it
// with the client's leases; server b gives it to its client before a
// writes. a's insert fails: no lease for a's client, b's lease stays.
func sharedCreateRace4(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	const one = `{"Dhcp4": {"valid-lifetime": 4000,
	  "subnet4": [{"id": 1, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.10"}]}]}}`
	ad := netip.MustParseAddr("203.0.113.10")
	a, ra := sharedEnv(t, b, cfg, one)
	bb, _ := sharedEnv(t, b, cfg, one)
	theirs, _ := lease.ParseHWAddr("02:00:00:00:04:04", lease.HTypeEther)
	fired := false
	ra.mu.Lock()
	ra.target = ad
	ra.once = func() {
		fired = true
		if l, _, err := bb.eng.Allocate4(&Context4{Subnet: bb.cfg.Subnet(1), HWAddr: theirs}); err != nil || l == nil || l.Addr != ad {
			t.Errorf("other server: %v %v", l, err)
		}
	}
	ra.mu.Unlock()
	if got := a.alloc(a.ctx(client{mac: "02:00:00:00:05:05"}, 1, false, "203.0.113.10")); got != "" {
		t.Errorf("server a gave %s, which the other server had just taken", got)
	}
	if !fired {
		t.Fatal("the other server never ran")
	}
	l, err := bb.eng.store.Lease4(ad)
	if err != nil || l.HWAddr.String() != theirs.String() {
		t.Errorf("database has %v (%v), want the other server's lease", l, err)
	}
}

// countingStore4 counts the client lookups an engine makes.
type countingStore4 struct {
	*sqlcommon.Store4
	mu                         sync.Mutex
	byCID, byHW, byAddr, combo int
}

func (c *countingStore4) count(n *int) { c.mu.Lock(); *n++; c.mu.Unlock() }
func (c *countingStore4) Leases4ByClientID(id []byte) ([]*lease.Lease4, error) {
	c.count(&c.byCID)
	return c.Store4.Leases4ByClientID(id)
}
func (c *countingStore4) Leases4ByHWAddr(hw []byte) ([]*lease.Lease4, error) {
	c.count(&c.byHW)
	return c.Store4.Leases4ByHWAddr(hw)
}
func (c *countingStore4) Lease4(a netip.Addr) (*lease.Lease4, error) {
	c.count(&c.byAddr)
	return c.Store4.Lease4(a)
}
func (c *countingStore4) ClientLeases4(cid, hw []byte, a netip.Addr) ([]*lease.Lease4, []*lease.Lease4, *lease.Lease4, error) {
	c.count(&c.combo)
	return c.Store4.ClientLeases4(cid, hw, a)
}

// TestClientLeasesRoundTrips: on a SQL store a new client's DORA reads the
// database three times (DISCOVER: the client's leases, the candidate;
// REQUEST: the client's leases with the requested address) instead of
// Kea's seven, and a renewal reads once (Kea: twice) and gives the same
// lease.
func TestClientLeasesRoundTrips(t *testing.T) {
	for _, b := range sqlBackends {
		t.Run(b.name, func(t *testing.T) {
			cfg := b.newDB(t)
			s, err := b.open4(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			cs := &countingStore4{Store4: s}
			c := loadConfig(t, sharedConfig)
			ev := &env{t: t, cfg: c, now: time.Now()}
			ev.eng = NewEngine4(c, cs, nil, nil, nil, quietLog())
			t.Cleanup(ev.eng.Close)
			cl := client{mac: "02:00:00:00:01:01", clientID: "01:02:00:00:00:01:01"}
			offered := ev.alloc(ev.ctx(cl, 1, true, ""))
			if offered == "" {
				t.Fatal("no offer")
			}
			got := ev.alloc(ev.ctx(cl, 1, false, offered))
			if got != offered {
				t.Fatalf("REQUEST for %s got %q", offered, got)
			}
			cs.mu.Lock()
			if cs.combo != 2 || cs.byCID != 0 || cs.byHW != 0 || cs.byAddr != 1 {
				t.Errorf("DORA lookups: %d combined, %d by client id, %d by hardware address, %d by address; want 2, 0, 0, 1",
					cs.combo, cs.byCID, cs.byHW, cs.byAddr)
			}
			cs.mu.Unlock()
			if renewed := ev.alloc(ev.ctx(cl, 1, false, got)); renewed != got {
				t.Errorf("renewal gave %q, want %s", renewed, got)
			}
			cs.mu.Lock()
			if cs.combo != 3 || cs.byCID != 0 || cs.byHW != 0 || cs.byAddr != 1 {
				t.Errorf("renewal lookups: %d combined, %d by client id, %d by hardware address, %d by address in all; want 3, 0, 0, 1",
					cs.combo, cs.byCID, cs.byHW, cs.byAddr)
			}
			cs.mu.Unlock()
			if l, err := s.Lease4(netip.MustParseAddr(got)); err != nil || l.HWAddr.String() != cl.mac {
				t.Errorf("stored lease %+v, %v", l, err)
			}
		})
	}
}
