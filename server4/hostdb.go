package server4

import (
	"fmt"
	"strings"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/host/sqlhosts"
	"github.com/nestordhcp/nestor/internal/leasedb"
)

// openHostDBs opens the hosts-database / hosts-databases entries,
// keeping the open ones when the parameters did not change.
func (s *Server) openHostDBs(cfg *config.Dhcp4) error {
	var keys []string
	var cfgs []*config.Database
	for _, db := range cfg.HostsDatabases {
		c, err := leasedb.Config(db, 0)
		if err != nil {
			return err
		}
		keys = append(keys, leasedb.Key(db, c))
		cfgs = append(cfgs, db)
	}
	key := strings.Join(keys, "\n")
	if key == s.hostKey && len(s.hostdbs) == len(cfgs) {
		return nil
	}
	var opened []*sqlhosts.Store
	for _, db := range cfgs {
		c, _ := leasedb.Config(db, 2)
		// Kea handles a lost hosts database connection as a lost lease
		// database connection.
		c.Events = leasedb.Events(s, c, s.log, "DHCP4")
		c.Logf = func(format string, args ...any) { s.slog.Info(fmt.Sprintf(format, args...)) }
		st, err := sqlhosts.Open(db.Type, c, s.slog)
		if err != nil {
			for _, o := range opened {
				o.Close()
			}
			return leasedb.OpenError(c, err)
		}
		opened = append(opened, st)
		if !st.Conn().Available() {
			c.Events.Lost(c.OnFail)
			if st.Conn().Available() {
				s.SetDBDown(false)
			}
		}
	}
	for _, o := range s.hostdbs {
		o.Close()
	}
	s.hostdbs, s.hostKey = opened, key
	return nil
}

// hostSources is the host lookup the allocation engine uses: the
// configuration's reservations, then each hosts database (Kea's HostMgr).
func (s *Server) hostSources(snap *snapshot) host.Store4 {
	if len(s.hostdbs) == 0 {
		return snap.hosts
	}
	ss := host.Sources4{snap.hosts}
	for _, d := range s.hostdbs {
		ss = append(ss, d)
	}
	return ss
}

func (s *Server) closeHostDBs() {
	for _, o := range s.hostdbs {
		o.Close()
	}
	s.hostdbs, s.hostKey = nil, ""
}
