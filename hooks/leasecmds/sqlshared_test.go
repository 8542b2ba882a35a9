package leasecmds_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"github.com/nestordhcp/nestor/hooks/leasecmds/leasetest"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// On a database several servers share, lease4/6-update and -del write only
// while the lease is the one the command read (Kea's updateLease4 and
// deleteLease with the expiration time read): when another server changes
// the lease between the command's read and its write, the command gives
// Kea's answers and the other server's lease stays.

type sqlBackend struct {
	name   string
	admin  sqlcommon.Config
	openDB func(sqlcommon.Config) (*sql.DB, error)
	drop   string
	init   func(*sql.DB) error
	open4  func(sqlcommon.Config) (*sqlcommon.Store4, error)
	open6  func(sqlcommon.Config) (*sqlcommon.Store6, error)
	what   string
}

var backends = []sqlBackend{
	{name: "PostgreSQL", what: "PostgreSQL", admin: sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"},
		openDB: pgsql.OpenDB, drop: "DROP DATABASE %s WITH (FORCE)",
		init:  func(db *sql.DB) error { return pgsql.InitSchema(context.Background(), db, pgsql.Kea22) },
		open4: pgsql.Open4, open6: pgsql.Open6},
	{name: "MariaDB", what: "MySQL", admin: sqlcommon.Config{Host: storetest.MySQLHost(), User: "root"},
		openDB: mysql.OpenDB, drop: "DROP DATABASE %s",
		init:  func(db *sql.DB) error { return mysql.InitSchema(context.Background(), db, mysql.Kea22) },
		open4: mysql.Open4, open6: mysql.Open6},
}

func (b sqlBackend) newDB(t *testing.T) sqlcommon.Config {
	t.Helper()
	adb, err := b.openDB(b.admin)
	if err != nil {
		t.Fatal(err)
	}
	name := storetest.TestName()
	storetest.CreateDB(t, adb, b.what, "CREATE DATABASE "+name, fmt.Sprintf(b.drop, name))
	cfg := b.admin
	cfg.Name, cfg.PoolSize = name, 2
	db, err := b.openDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := b.init(db); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// racy runs its function once, right after the next read of target.
type racy struct {
	mu     sync.Mutex
	target netip.Addr
	once   func()
}

func (r *racy) after(a netip.Addr) {
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
}

func (r *racy) set(a netip.Addr, f func()) {
	r.mu.Lock()
	r.target, r.once = a, f
	r.mu.Unlock()
}

type racyStore4 struct {
	*sqlcommon.Store4
	*racy
}

func (s racyStore4) Lease4(a netip.Addr) (*lease.Lease4, error) {
	l, err := s.Store4.Lease4(a)
	s.after(a)
	return l, err
}

type racyStore6 struct {
	*sqlcommon.Store6
	*racy
}

func (s racyStore6) Lease6(t lease.Type, a netip.Addr) (*lease.Lease6, error) {
	l, err := s.Store6.Lease6(t, a)
	s.after(a)
	return l, err
}

type sqlDaemon4 struct {
	*leasetest.Daemon4
	st lease.Store4
}

func (d *sqlDaemon4) LeaseStore4() lease.Store4 { return d.st }

type sqlDaemon6 struct {
	*leasetest.Daemon6
	st lease.Store6
}

func (d *sqlDaemon6) LeaseStore6() lease.Store6 { return d.st }

func TestSharedDatabaseWrites(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			cfg := b.newDB(t)
			t.Run("v4", func(t *testing.T) { sharedWrites4(t, b, cfg) })
			t.Run("v6", func(t *testing.T) { sharedWrites6(t, b, cfg) })
		})
	}
}

func sharedWrites4(t *testing.T, b sqlBackend, cfg sqlcommon.Config) {
	mine, err := b.open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	other, err := b.open4(cfg) // another server on the database
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := &racy{}
	d := &sqlDaemon4{Daemon4: leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json")), st: racyStore4{mine, r}}
	cm := leasetest.Server(t, "kea-dhcp4", d)
	a := netip.MustParseAddr("198.51.100.20")
	theirs := func(host string) func() {
		return func() {
			cur, err := other.Lease4(a)
			if err != nil {
				t.Errorf("other server: %v", err)
				return
			}
			n := cur.Clone()
			n.CLTT += 100
			n.Hostname = host
			if err := other.UpdateLease4(n); err != nil {
				t.Errorf("other server: %v", err)
			}
		}
	}
	run(t, cm, []exchange{
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.20","hw-address":"01:02:03:04:05:06","expire":1900000000}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.20, subnet-id 1 added." }`},
		{`{"command":"lease4-update","arguments":{"ip-address":"198.51.100.20","hw-address":"01:02:03:04:05:06","expire":1900000100,"hostname":"mine.example.org"}}`,
			`{ "result": 0, "text": "IPv4 lease updated." }`},
	})
	r.set(a, theirs("theirs.example.org"))
	run(t, cm, []exchange{
		{`{"command":"lease4-update","arguments":{"ip-address":"198.51.100.20","hw-address":"01:02:03:04:05:06","expire":1900000500,"hostname":"again.example.org"}}`,
			`{ "result": 1, "text": "failed to update the lease with address 198.51.100.20 either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed" }`},
	})
	if l, err := other.Lease4(a); err != nil || l.Hostname != "theirs.example.org" {
		t.Errorf("after the refused update the database has %+v, %v; want the other server's lease", l, err)
	}
	r.set(a, theirs("still-theirs.example.org"))
	run(t, cm, []exchange{
		{`{"command":"lease4-del","arguments":{"ip-address":"198.51.100.20"}}`,
			`{ "result": 3, "text": "IPv4 lease not found." }`},
	})
	if l, err := other.Lease4(a); err != nil || l.Hostname != "still-theirs.example.org" {
		t.Errorf("after the refused delete the database has %+v, %v; want the other server's lease", l, err)
	}
	run(t, cm, []exchange{
		{`{"command":"lease4-del","arguments":{"ip-address":"198.51.100.20"}}`,
			`{ "result": 0, "text": "IPv4 lease deleted." }`},
	})
	if _, err := other.Lease4(a); err != lease.ErrNotFound {
		t.Errorf("after lease4-del: %v, want no lease", err)
	}
}

func sharedWrites6(t *testing.T, b sqlBackend, cfg sqlcommon.Config) {
	mine, err := b.open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	other, err := b.open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := &racy{}
	d := &sqlDaemon6{Daemon6: leasetest.NewDaemon6(t, leasetest.LoadConfig(t, "testdata/kea22/config6.json")), st: racyStore6{mine, r}}
	cm := leasetest.Server(t, "kea-dhcp6", d)
	a := netip.MustParseAddr("2001:db8:1::20")
	theirs := func(host string) func() {
		return func() {
			cur, err := other.Lease6(lease.TypeNA, a)
			if err != nil {
				t.Errorf("other server: %v", err)
				return
			}
			n := cur.Clone()
			n.CLTT += 100
			n.Hostname = host
			if err := other.UpdateLease6(n); err != nil {
				t.Errorf("other server: %v", err)
			}
		}
	}
	run(t, cm, []exchange{
		{`{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1::20","duid":"01:02:03","iaid":7,"expire":1900000000}}`,
			`{ "result": 0, "text": "Lease for address 2001:db8:1::20, subnet-id 1 added." }`},
	})
	r.set(a, theirs("theirs.example.org"))
	run(t, cm, []exchange{
		{`{"command":"lease6-update","arguments":{"ip-address":"2001:db8:1::20","duid":"01:02:03","iaid":7,"expire":1900000500,"hostname":"mine.example.org"}}`,
			`{ "result": 1, "text": "failed to update the lease with address 2001:db8:1::20 either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed" }`},
	})
	if l, err := other.Lease6(lease.TypeNA, a); err != nil || l.Hostname != "theirs.example.org" {
		t.Errorf("after the refused update the database has %+v, %v; want the other server's lease", l, err)
	}
	r.set(a, theirs("still-theirs.example.org"))
	run(t, cm, []exchange{
		{`{"command":"lease6-del","arguments":{"ip-address":"2001:db8:1::20"}}`,
			`{ "result": 3, "text": "IPv6 lease not found." }`},
	})
	if l, err := other.Lease6(lease.TypeNA, a); err != nil || l.Hostname != "still-theirs.example.org" {
		t.Errorf("after the refused delete the database has %+v, %v; want the other server's lease", l, err)
	}
	run(t, cm, []exchange{
		{`{"command":"lease6-update","arguments":{"ip-address":"2001:db8:1::20","duid":"01:02:03","iaid":7,"expire":1900000500,"hostname":"mine.example.org"}}`,
			`{ "result": 0, "text": "IPv6 lease updated." }`},
		{`{"command":"lease6-del","arguments":{"ip-address":"2001:db8:1::20"}}`,
			`{ "result": 0, "text": "IPv6 lease deleted." }`},
	})
}
