package leasedb

import (
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// DefaultLFCInterval is the memfile lfc-interval when the configuration
// gives none, in seconds.
const DefaultLFCInterval = 3600

// Family is what opening the lease store of one protocol family needs: S
// is lease.Store4 or lease.Store6.
type Family[S any] struct {
	// V is 4 or 6: the memfile default name, the messages' DHCP4/DHCP6
	// prefix.
	V int
	// Mem opens a memfile store.
	Mem func(memfile.Config) (S, io.Closer, error)
	// SQL opens a PostgreSQL ("postgresql") or MySQL ("mysql") store.
	SQL func(typ string, c sqlcommon.Config) (S, *sqlcommon.Conn, io.Closer, error)
}

// V4 opens DHCPv4 lease stores.
var V4 = Family[lease.Store4]{
	V: 4,
	Mem: func(c memfile.Config) (lease.Store4, io.Closer, error) {
		st, err := memfile.Open4(c)
		if err != nil {
			return nil, nil, err
		}
		return st, st, nil
	},
	SQL: func(typ string, c sqlcommon.Config) (lease.Store4, *sqlcommon.Conn, io.Closer, error) {
		st, err := Open4(typ, c)
		if err != nil {
			return nil, nil, nil, err
		}
		return st, st.Conn(), st, nil
	},
}

// V6 opens DHCPv6 lease stores.
var V6 = Family[lease.Store6]{
	V: 6,
	Mem: func(c memfile.Config) (lease.Store6, io.Closer, error) {
		st, err := memfile.Open6(c)
		if err != nil {
			return nil, nil, err
		}
		return st, st, nil
	},
	SQL: func(typ string, c sqlcommon.Config) (lease.Store6, *sqlcommon.Conn, io.Closer, error) {
		st, err := Open6(typ, c)
		if err != nil {
			return nil, nil, nil, err
		}
		return st, st.Conn(), st, nil
	},
}

// Store is a server's open lease store (memfile, postgresql or mysql),
// as the lease-database entry it was opened from describes it.
type Store[S any] struct {
	// Store is the open store (the zero S when none is open).
	Store  S
	closer io.Closer
	key    string
}

// IsOpen reports whether a store is open.
func (s *Store[S]) IsOpen() bool { return s.closer != nil }

// Opener is what Store.Open needs from the server besides the
// configuration.
type Opener struct {
	// Server receives the lost-connection events of a SQL store.
	Server Server
	// Log receives Kea's DHCP4_DB_RECONNECT_* or DHCP6_* messages; Logf
	// and Debugf the stores' own messages (Kea's dhcpsrv logger), Debugf
	// those at debug level.
	Log          *klog.Logger
	Logf, Debugf func(format string, args ...any)
	// ExtendedInfoChecks and LeaseChecks are the sanity-checks levels
	// applied to the leases memfile loads ("" for extended-info-checks:
	// the default), SubnetCheck the subnet test lease-checks needs.
	ExtendedInfoChecks, LeaseChecks string
	SubnetCheck                     func(addr netip.Addr, subnetID uint32) (inRange bool, best uint32)
	// Release is called before an open store is replaced by a new one:
	// it stops what uses the store (the store is closed after it).
	Release func()
}

// Open opens the lease store of the lease-database entry db (nil:
// memfile with Kea's defaults), keeping the open one when the parameters
// did not change. A SQL store gets as many connections as mt has threads
// (2 without multi-threading: the packet path, plus reclamation and
// commands), and the statistics are the server's to recount from it.
func (s *Store[S]) Open(f Family[S], db *config.Database, mt config.MultiThreading, o Opener) error {
	if IsSQL(db) {
		return s.openSQL(f, db, mt, o)
	}
	mc := memfile.Config{Persist: true, LFCInterval: DefaultLFCInterval * time.Second}
	if db != nil {
		mc.Persist = db.Bool("persist", true)
		mc.Name = db.String("name")
		if v, ok := db.Int("lfc-interval"); ok {
			mc.LFCInterval = time.Duration(v) * time.Second
		}
		if v, ok := db.Int("max-row-errors"); ok {
			mc.MaxRowErrors = int(v)
		}
	}
	if mc.Persist && mc.Name == "" {
		mc.Name = memfile.DefaultName(f.V)
	}
	mc.ExtendedInfoChecks, mc.LeaseChecks, mc.SubnetCheck = o.ExtendedInfoChecks, o.LeaseChecks, o.SubnetCheck
	key := fmt.Sprintf("memfile|%v|%s|%v|%d|%s|%s", mc.Persist, mc.Name, mc.LFCInterval, mc.MaxRowErrors, mc.ExtendedInfoChecks, mc.LeaseChecks)
	if s.IsOpen() && key == s.key {
		return nil
	}
	mc.Logf, mc.Debugf = o.Logf, o.Debugf
	st, c, err := f.Mem(mc)
	if err != nil {
		return err
	}
	s.replace(st, c, key, o)
	return nil
}

func (s *Store[S]) openSQL(f Family[S], db *config.Database, mt config.MultiThreading, o Opener) error {
	pool := 2 // the packet path, plus reclamation and commands
	if mt.Enable {
		pool = int(mt.ThreadPoolSize) // 0: one per CPU
	}
	c, err := Config(db, pool)
	if err != nil {
		return err
	}
	key := Key(db, c)
	if s.IsOpen() && key == s.key {
		return nil
	}
	c.Events = Events(o.Server, c, o.Log, fmt.Sprintf("DHCP%d", f.V))
	c.Logf = o.Logf
	st, conn, cl, err := f.SQL(db.Type, c)
	if err != nil {
		return err
	}
	s.replace(st, cl, key, o)
	if !conn.Available() {
		// retry-on-startup: the database is being connected in the
		// background; serve once it is there.
		c.Events.Lost(c.OnFail)
		if conn.Available() {
			o.Server.SetDBDown(false)
		}
	}
	return nil
}

// replace makes st the open store, after stopping the users of the old
// one and closing it.
func (s *Store[S]) replace(st S, c io.Closer, key string, o Opener) {
	if s.IsOpen() && o.Release != nil {
		o.Release()
	}
	s.Close()
	s.Store, s.closer, s.key = st, c, key
}

// Close closes the open store, if any.
func (s *Store[S]) Close() error {
	var err error
	if s.closer != nil {
		err = s.closer.Close()
	}
	var zero S
	s.Store, s.closer, s.key = zero, nil, ""
	return err
}

// SubnetCheck is the subnet test of memfile's lease-checks over the
// configured subnets: whether subnet id exists and holds addr, else the
// first subnet that holds it (0: none). idPrefix gives a subnet's id and
// prefix.
func SubnetCheck[T any](subnets []T, idPrefix func(T) (uint32, netip.Prefix)) func(netip.Addr, uint32) (bool, uint32) {
	return func(addr netip.Addr, id uint32) (bool, uint32) {
		var best uint32
		for _, sn := range subnets {
			sid, p := idPrefix(sn)
			if sid == id && p.Contains(addr) {
				return true, id
			}
			if best == 0 && p.Contains(addr) {
				best = sid
			}
		}
		return false, best
	}
}

// Sanity fills o's memfile load checks from the sanity-checks map and the
// configured subnets (see SubnetCheck), and sends the stores' messages to
// l (Kea's dhcpsrv logger).
func (o *Opener) Sanity(sc config.SanityChecks, l *klog.Logger) {
	if sc.ExtendedInfoChecks.Set {
		o.ExtendedInfoChecks = sc.ExtendedInfoChecks.V
	}
	o.LeaseChecks = sc.LeaseChecks
	o.Logf = func(format string, args ...any) { l.LogLine(klog.None, fmt.Sprintf(format, args...)) }
	o.Debugf = func(format string, args ...any) { l.LogLine(klog.Debug, fmt.Sprintf(format, args...)) }
}
