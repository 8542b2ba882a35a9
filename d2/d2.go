// Package d2 is the DHCP-DDNS daemon (Kea's kea-dhcp-ddns, "D2"): it
// receives NameChangeRequests from the DHCP servers over UDP, queues them,
// runs at most one transaction per DHCID at a time, picks the forward and
// reverse DDNS domains of each request and performs the RFC 2136 DNS
// UPDATE sequences of the request's conflict-resolution mode against the
// domain's DNS servers, signed with TSIG when a key is configured.
package d2

import (
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/stats"
)

// Kea's D2 limits.
const (
	// MaxQueueSize is D2QueueMgr::MAX_QUEUE_DEFAULT.
	MaxQueueSize = 1024
	// MaxTransactions is D2UpdateMgr::MAX_TRANSACTIONS_DEFAULT.
	MaxTransactions = 32
	// MaxUpdateTriesPerServer is NameChangeTransaction's
	// MAX_UPDATE_TRIES_PER_SERVER.
	MaxUpdateTriesPerServer = 3
)

// The global statistics (D2Stats::ncr and D2Stats::update).
var (
	ncrStats    = []string{"ncr-received", "ncr-invalid", "ncr-error"}
	updateStats = []string{"update-sent", "update-signed", "update-unsigned", "update-success", "update-timeout", "update-error"}
	keyStats    = []string{"update-sent", "update-success", "update-timeout", "update-error"}
)

// Server is a running D2: the NCR listener, the request queue and the
// update manager.
type Server struct {
	log   *klog.Logger
	stats *stats.Registry
	cfg   atomic.Pointer[config.D2Config]
	// Exchange sends one DNS message and waits for the answer; tests
	// replace it. nil uses the real client.
	exchange exchanger

	mu       sync.Mutex
	conn     *net.UDPConn
	connKey  string
	queue    []*ncr.Request
	active   map[string]bool // DHCIDs with a transaction
	running  int
	stopping bool
	wake     chan struct{}
	wg       sync.WaitGroup // transactions
	loops    sync.WaitGroup // receiver and dispatcher
	quit     chan struct{}
}

// NewServer makes a server with no configuration yet; Configure starts it.
func NewServer(log *klog.Logger, reg *stats.Registry) *Server {
	if reg == nil {
		reg = stats.New()
	}
	s := &Server{log: log, stats: reg, active: map[string]bool{}, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	for _, n := range append(append([]string{}, ncrStats...), updateStats...) {
		_ = reg.SetInt(n, 0)
	}
	s.loops.Add(1)
	go s.dispatch()
	return s
}

// Stats is the server's statistics registry.
func (s *Server) Stats() *stats.Registry { return s.stats }

// Config is the configuration in force.
func (s *Server) Config() *config.D2Config { return s.cfg.Load() }

// Configure applies cfg: the NCR listener is reopened when its address
// changed, the key statistics follow the tsig-keys.
func (s *Server) Configure(cfg *config.D2Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := net.JoinHostPort(cfg.IPAddress, strconv.Itoa(int(cfg.Port)))
	if s.conn == nil || s.connKey != key {
		ip, err := netip.ParseAddr(cfg.IPAddress)
		if err != nil {
			return err
		}
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, cfg.Port)))
		if err != nil {
			return err
		}
		if s.conn != nil {
			s.conn.Close()
		}
		s.conn, s.connKey = c, key
		s.loops.Add(1)
		go s.receive(c)
		s.log.Info(msgQueueStarted)
	}
	// Per-key statistics are made afresh for the new key objects.
	for _, n := range s.stats.Names() {
		if len(n) > 4 && n[:4] == "key[" {
			s.stats.Remove(n)
		}
	}
	for _, k := range cfg.TSIGKeys {
		for _, n := range keyStats {
			_ = s.stats.SetInt(keyStat(k.Name, n), 0)
		}
	}
	s.cfg.Store(cfg)
	return nil
}

func keyStat(key, name string) string { return "key[" + key + "]." + name }

// Addr is the NCR listener's address (nil before Configure).
func (s *Server) Addr() *net.UDPAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	return s.conn.LocalAddr().(*net.UDPAddr)
}

// receive reads NCRs from c until it is closed.
func (s *Server) receive(c *net.UDPConn) {
	defer s.loops.Done()
	buf := make([]byte, 65536)
	for {
		n, _, err := c.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			_ = s.stats.AddInt("ncr-error", 1)
			s.log.Error(msgRecvError, err)
			continue
		}
		req, err := ncr.Parse(buf[:n])
		if err != nil {
			_ = s.stats.AddInt("ncr-invalid", 1)
			s.log.Error(msgInvalidNCR, err)
			continue
		}
		_ = s.stats.AddInt("ncr-received", 1)
		s.enqueue(req)
	}
}

// Submit queues a request as if it had been received (tests, hooks).
func (s *Server) Submit(req *ncr.Request) { s.enqueue(req) }

func (s *Server) enqueue(req *ncr.Request) {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	if len(s.queue) >= MaxQueueSize {
		s.mu.Unlock()
		_ = s.stats.AddInt("ncr-error", 1)
		s.log.Error(msgQueueFull, MaxQueueSize)
		return
	}
	s.queue = append(s.queue, req)
	s.mu.Unlock()
	s.log.Debug(dbgTraceDetail, msgQueueReceive, requestID(req))
	s.poke()
}

func (s *Server) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func requestID(r *ncr.Request) string { return strings.ToUpper(hex.EncodeToString(r.DHCID)) }

// dispatch is D2UpdateMgr::sweep: it starts a transaction for the first
// queued request whose DHCID has none, while fewer than MaxTransactions
// run.
func (s *Server) dispatch() {
	defer s.loops.Done()
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			if s.running >= MaxTransactions || s.stopping {
				s.mu.Unlock()
				break
			}
			idx := -1
			for i, r := range s.queue {
				if !s.active[requestID(r)] {
					idx = i
					break
				}
			}
			if idx < 0 {
				s.mu.Unlock()
				break
			}
			req := s.queue[idx]
			s.queue = append(s.queue[:idx], s.queue[idx+1:]...)
			s.active[requestID(req)] = true
			s.running++
			s.wg.Add(1)
			s.mu.Unlock()
			go func() {
				defer s.wg.Done()
				s.makeTransaction(req)
				s.mu.Lock()
				delete(s.active, requestID(req))
				s.running--
				s.mu.Unlock()
				s.poke()
			}()
		}
	}
}

// Idle reports whether no request is queued or in progress.
func (s *Server) Idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue) == 0 && s.running == 0
}

// QueueSize is the number of requests waiting.
func (s *Server) QueueSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Shutdown stops the server as the shutdown command's type says: "normal"
// and "now" stop receiving and drop the queue ("normal" lets running
// transactions finish), "drain_first" stops receiving and processes the
// queue until it is empty.
func (s *Server) Shutdown(kind string) {
	s.mu.Lock()
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	if kind != "drain_first" {
		s.queue = nil
	}
	s.mu.Unlock()
	if kind == "drain_first" {
		for !s.Idle() {
			time.Sleep(10 * time.Millisecond)
		}
	}
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	if kind != "now" {
		s.wg.Wait()
	}
}

// Close stops the server (normal shutdown) and its goroutines.
func (s *Server) Close() {
	s.Shutdown("normal")
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.loops.Wait()
}

// matchDomain is DdnsDomainListMgr::matchDomain: the longest domain that
// is a label-aligned suffix of name, the wildcard domain "*" otherwise.
func matchDomain(doms []*config.DdnsDomain, name string) *config.DdnsDomain {
	if len(doms) == 0 {
		return nil
	}
	var wild *config.DdnsDomain
	for _, d := range doms {
		if d.Name == "*" {
			wild = d
		}
	}
	if wild != nil && len(doms) == 1 {
		return wild
	}
	name = fqdn(name)
	var best *config.DdnsDomain
	for _, d := range doms {
		if d.Name == "*" {
			continue
		}
		dn := fqdn(d.Name)
		switch {
		case len(dn) > len(name):
		case len(dn) == len(name):
			if equalFold(dn, name) {
				return d
			}
		default:
			off := len(name) - len(dn)
			if (name[off-1] == '.' || dn == ".") && equalFold(name[off:], dn) && (best == nil || len(dn) > len(fqdn(best.Name))) {
				best = d
			}
		}
	}
	if best == nil {
		return wild
	}
	return best
}

func fqdn(n string) string {
	if strings.HasSuffix(n, ".") {
		return n
	}
	return n + "."
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
