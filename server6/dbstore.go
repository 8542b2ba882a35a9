package server6

import (
	"fmt"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/leasedb"
	"github.com/nestordhcp/nestor/klog"
)

// dbOrigin is the network state origin of a lost database connection
// (Kea's NetworkState::DB_CONNECTION).
const dbOrigin = "db-connection"

// SetDBDown stops (true) or resumes the DHCP service for the database
// connection; commands keep being answered.
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
// keeping the open one when the parameters did not change.
func (s *Server) openSQLStore(cfg *config.Dhcp6) error {
	db := cfg.LeaseDatabase
	pool := 2 // the packet path, plus commands
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
	c.Events = leasedb.Events(s, c, s.log, "DHCP6")
	c.Logf = func(format string, args ...any) { dhcpsrvLog.LogLine(klog.None, fmt.Sprintf(format, args...)) }
	st, err := leasedb.Open6(db.Type, c)
	if err != nil {
		return err
	}
	s.closeStore()
	s.dbstore, s.store, s.storeKey = st, st, key
	if !st.Conn().Available() {
		// retry-on-startup: connecting in the background.
		c.Events.Lost(c.OnFail)
		if st.Conn().Available() {
			s.SetDBDown(false)
		}
	}
	return nil
}

// closeStore stops the packet path and closes the lease store (a new
// store replaces it).
func (s *Server) closeStore() {
	if s.store == nil {
		return
	}
	s.stopPackets() // stops the reclaimer too
	s.engine, s.reclaimer = nil, nil
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
