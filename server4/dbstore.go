package server4

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

// releaseStore stops what uses the lease store before a new store
// replaces it.
func (s *Server) releaseStore() {
	s.stopPackets()
	if s.reclaimer != nil {
		s.reclaimer.Stop()
	}
	if s.engine != nil {
		s.engine.Close()
		s.engine, s.reclaimer = nil, nil
	}
}
