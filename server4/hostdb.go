package server4

import (
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
)

// openHostDBs opens the hosts-database / hosts-databases entries,
// keeping the open ones when the parameters did not change.
func (s *Server) openHostDBs(cfg *config.Dhcp4) error {
	return s.hostdbs.Open(cfg.HostsDatabases, s, s.log, s.slog, "DHCP4")
}

// hostSources is the host lookup the allocation engine uses: the
// configuration's reservations, then each hosts database (Kea's HostMgr).
func (s *Server) hostSources(snap *snapshot) host.Store4 {
	if len(s.hostdbs.Stores) == 0 {
		return snap.hosts
	}
	ss := host.Sources4{snap.hosts}
	for _, d := range s.hostdbs.Stores {
		ss = append(ss, d)
	}
	return ss
}

func (s *Server) closeHostDBs() { s.hostdbs.Close() }
