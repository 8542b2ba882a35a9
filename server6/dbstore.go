package server6

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

// releaseStore stops the packet path before a new lease store replaces
// the open one.
func (s *Server) releaseStore() {
	s.stopPackets() // stops the reclaimer too
	s.engine, s.reclaimer = nil, nil
}
