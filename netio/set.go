package netio

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// SetConfig is what Open needs to open a server's sockets.
type SetConfig struct {
	Family Family
	Ifaces IfacesConfig
	// Port is the server port (-p); 0 means 67 or 547.
	Port    uint16
	Options Options
	// Detector caches interfaces across reconfigurations (re-detect false);
	// nil uses a fresh one.
	Detector *Detector
	// Dispatcher, when set, serves every socket as soon as it is open,
	// including sockets opened by a later retry.
	Dispatcher *Dispatcher
	// Logf receives warnings with Kea's message IDs
	// (DHCPSRV_OPEN_SOCKET_FAIL, DHCPSRV_NO_SOCKETS_OPEN, ...).
	Logf func(id, msg string)
	// OnFatal is called when service-sockets-require-all is set and some
	// socket is still failing after the last retry: Kea exits then.
	OnFatal func(error)

	open func(SocketSpec, Options) (Conn, error) // replaced in tests
}

// SocketStatus is status-get's "sockets" value.
type SocketStatus struct {
	Status string   `json:"status"` // ready, retrying or failed
	Errors []string `json:"errors,omitempty"`
}

// Set is the open sockets of one server, with Kea's retry behaviour.
type Set struct {
	cfg     SetConfig
	sel     *Selection
	mu      sync.Mutex
	conns   []Conn
	open    map[string]bool
	status  SocketStatus
	retries uint32
	timer   *time.Timer
	closed  bool
	serving sync.WaitGroup
}

// ErrSocketsRequired is wrapped by the error Open returns (or OnFatal
// receives) when service-sockets-require-all cannot be met.
var ErrSocketsRequired = errors.New("service-sockets-require-all: not all sockets could be opened")

// Open detects interfaces, applies the interfaces list and opens the
// sockets Kea would open. A bad interfaces list is an error. A socket that
// fails to open is logged and, with service-sockets-max-retries, retried
// every retry-wait-time in the background (only the missing ones); with
// service-sockets-require-all and no retries Open fails at once, with
// retries OnFatal is called after the last one.
func Open(cfg SetConfig) (*Set, error) {
	if cfg.Port == 0 {
		cfg.Port = ServerPort4
		if cfg.Family == V6 {
			cfg.Port = ServerPort6
		}
	}
	if cfg.Detector == nil {
		cfg.Detector = &Detector{}
	}
	if cfg.open == nil {
		cfg.open = openSpec
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, string) {}
	}
	ifs, err := cfg.Detector.Interfaces(cfg.Ifaces.ReDetect)
	if err != nil {
		return nil, err
	}
	sel, err := Select(cfg.Family, cfg.Ifaces.Interfaces, ifs)
	if err != nil {
		return nil, err
	}
	s := &Set{cfg: cfg, sel: sel, open: map[string]bool{}}
	errs := s.attempt(ifs)
	if len(s.conns) == 0 {
		cfg.Logf("DHCPSRV_NO_SOCKETS_OPEN", "no interface configured to listen to DHCP traffic")
	}
	if len(errs) > 0 && cfg.Ifaces.MaxRetries == 0 && cfg.Ifaces.RequireAll {
		s.Close()
		return nil, fmt.Errorf("%w: %s", ErrSocketsRequired, strings.Join(errs, "; "))
	}
	return s, nil
}

func openSpec(spec SocketSpec, opt Options) (Conn, error) {
	switch spec.Kind {
	case KindRaw4:
		return OpenRaw4(spec, opt)
	case KindUDP4:
		return OpenUDP4(spec, opt, false)
	}
	return OpenUDP6(spec, opt)
}

// attempt opens the planned sockets that are not open yet and updates the
// status, scheduling a retry when errors remain and retries are left.
func (s *Set) attempt(ifs []*Iface) []string {
	var specs []SocketSpec
	var planErrs []error
	if s.cfg.Family == V6 {
		specs, planErrs = Plan6(s.sel, ifs, s.cfg.Port)
	} else {
		specs, planErrs = Plan4(s.sel, ifs, s.cfg.Ifaces.SocketType, s.cfg.Port)
	}
	var errs []string
	for _, e := range planErrs {
		errs = append(errs, e.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	for _, spec := range specs {
		if s.open[spec.key()] {
			continue
		}
		c, err := s.cfg.open(spec, s.cfg.Options)
		if err != nil {
			errs = append(errs, fmt.Sprintf("failed to open socket on interface %s, reason: %v", spec.Iface.Name, err))
			continue
		}
		s.open[spec.key()] = true
		s.conns = append(s.conns, c)
		if d := s.cfg.Dispatcher; d != nil {
			s.serving.Add(1)
			go func() {
				defer s.serving.Done()
				_ = d.Serve(c)
			}()
		}
	}
	for _, e := range errs {
		s.cfg.Logf("DHCPSRV_OPEN_SOCKET_FAIL", "failed to open socket: "+e)
	}
	switch {
	case len(errs) == 0:
		s.status = SocketStatus{Status: "ready"}
	case s.retries < s.cfg.Ifaces.MaxRetries:
		s.retries++
		s.status = SocketStatus{Status: "retrying", Errors: errs}
		s.timer = time.AfterFunc(s.cfg.Ifaces.RetryWait, s.retry)
	default:
		s.status = SocketStatus{Status: "failed", Errors: errs}
		if s.cfg.Ifaces.RequireAll && s.retries > 0 && s.cfg.OnFatal != nil {
			go s.cfg.OnFatal(fmt.Errorf("%w: %s", ErrSocketsRequired, strings.Join(errs, "; ")))
		}
	}
	return errs
}

func (s *Set) retry() {
	ifs, err := s.cfg.Detector.Interfaces(s.cfg.Ifaces.ReDetect)
	if err != nil {
		s.cfg.Logf("DHCPSRV_OPEN_SOCKET_FAIL", err.Error())
		return
	}
	s.attempt(ifs)
}

// Status returns status-get's "sockets" value.
func (s *Set) Status() SocketStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Conns returns the open sockets.
func (s *Set) Conns() []Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Conn(nil), s.conns...)
}

// Close stops retries, closes every socket and waits for the receive loops
// started for them.
func (s *Set) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	var first error
	for _, c := range conns {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.serving.Wait()
	return first
}

// ErrNoSocket is returned by Send when no open socket suits the packet.
var ErrNoSocket = errors.New("netio: no socket to send the packet")

// Send sends p out of the socket Kea's IfaceMgr::getSocket would pick: the
// socket it arrived on (p.Conn) when that one can send; otherwise, on
// interface IfIndex, the socket bound to Src, else the first one. DHCPv6
// never sends from the ff02::1:2 socket: a link-local destination uses the
// link-local socket, a global one a unicast socket when there is one.
func (s *Set) Send(p *Packet) error {
	c := s.pick(p)
	if c == nil {
		return ErrNoSocket
	}
	return sendOne(c, p)
}

func (s *Set) pick(p *Packet) Conn {
	if p.Conn != nil && !p.Conn.Spec().Addr.IsMulticast() {
		return p.Conn
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var first, ll, global Conn
	for _, c := range s.conns {
		sp := c.Spec()
		if p.IfIndex != 0 && sp.Iface.Index != p.IfIndex {
			continue
		}
		if sp.Addr.IsMulticast() {
			continue
		}
		if s.cfg.Family == V4 && sp.Addr == p.Src.Addr() {
			return c
		}
		if first == nil {
			first = c
		}
		if sp.Addr.IsLinkLocalUnicast() {
			if ll == nil {
				ll = c
			}
		} else if global == nil {
			global = c
		}
	}
	if s.cfg.Family == V6 {
		if p.Dst.Addr().IsLinkLocalUnicast() && ll != nil {
			return ll
		}
		if !p.Dst.Addr().IsLinkLocalUnicast() && global != nil {
			return global
		}
	}
	return first
}

// SendBatch sends pkts as Send would send each, in order, with one
// sendmmsg per run of consecutive packets leaving through the same socket.
// failed, when not nil, is called for every packet that was not sent.
func (s *Set) SendBatch(pkts []*Packet, failed func(p *Packet, err error)) {
	for len(pkts) > 0 {
		c := s.pick(pkts[0])
		n := 1
		if c != nil {
			for n < len(pkts) && s.pick(pkts[n]) == c {
				n++
			}
		}
		run := pkts[:n]
		pkts = pkts[n:]
		if c == nil {
			if failed != nil {
				failed(run[0], ErrNoSocket)
			}
			continue
		}
		for len(run) > 0 {
			k, err := c.WriteBatch(run)
			if err == nil {
				break
			}
			// run[k] stopped the batch: report it and go on after it.
			if failed != nil && k < len(run) {
				failed(run[k], err)
			}
			if k+1 >= len(run) {
				break
			}
			run = run[k+1:]
		}
	}
}
