package server4

import (
	"fmt"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/leasedb"
	"github.com/nestordhcp/nestor/klog"
)

// dbOrigin is the dhcp-disable origin of a lost lease database
// connection (Kea's NetworkState::DB_CONNECTION).
const dbOrigin = "db-connection"

// SetDBDown stops (true) or resumes the DHCP service for the lease
// database connection; commands keep being answered.
func (s *Server) SetDBDown(down bool) {
	if down {
		s.disabled.Disable(dbOrigin, 0)
	} else {
		s.disabled.Enable(dbOrigin)
	}
}

// Exit stops the server with the exit value (a lease database that could
// not be reconnected).
func (s *Server) Exit(code int) { s.Stop(code) }

// openSQLStore opens a lease-database of type postgresql or mysql,
// keeping the open one when the parameters did not change. The
// statistics are recounted from the database by setSubnetStats.
func (s *Server) openSQLStore(cfg *config.Dhcp4) error {
	db := cfg.LeaseDatabase
	pool := 2 // the packet path, plus reclamation and commands
	if mt := cfg.MultiThreading; mt.Enable {
		pool = int(mt.ThreadPoolSize) // 0: one per CPU
	}
	c, err := leasedb.Config(db, pool)
	if err != nil {
		return err
	}
	key := leasedb.Key(db, c)
	if s.dbstore != nil && key == s.storeKey {
		return nil
	}
	c.Events = leasedb.Events(s, c, s.log, "DHCP4")
	c.Logf = func(format string, args ...any) { dhcpsrvLog.LogLine(klog.None, fmt.Sprintf(format, args...)) }
	st, err := leasedb.Open4(db.Type, c)
	if err != nil {
		return err
	}
	s.closeStore()
	s.dbstore, s.store, s.storeKey = st, st, key
	if !st.Conn().Available() {
		// retry-on-startup: the database is being connected in the
		// background; serve once it is there.
		c.Events.Lost(c.OnFail)
		if st.Conn().Available() {
			s.SetDBDown(false)
		}
	}
	return nil
}

// closeStore stops what uses the lease store and closes it (a new store
// replaces it).
func (s *Server) closeStore() {
	if s.store == nil {
		return
	}
	s.stopPackets()
	if s.reclaimer != nil {
		s.reclaimer.Stop()
	}
	if s.engine != nil {
		s.engine.Close()
		s.engine, s.reclaimer = nil, nil
	}
	if s.mstore != nil {
		s.mstore.Close()
		s.mstore = nil
	}
	if s.dbstore != nil {
		s.dbstore.Close()
		s.dbstore = nil
	}
	s.store = nil
}
