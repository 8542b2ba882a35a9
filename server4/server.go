package server4

import (
	"errors"
	"github.com/nestordhcp/nestor/internal/daemon"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/alloc"
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/internal/d2client"
	"github.com/nestordhcp/nestor/internal/dhcp4o6"
	"github.com/nestordhcp/nestor/internal/leasedb"
	"github.com/nestordhcp/nestor/internal/outbox"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/stats"
)

// Debug levels of the packet path (Kea's DBG_DHCP4_*).
const (
	dbgBasic  = klog.DbgPktHandling
	dbgDrop   = klog.DbgPktHandling
	dbgDetail = klog.DbgTraceBasicData
)

var errNoSockets = errors.New("no socket to send the reply")

// Options configure a Server beyond its configuration file.
type Options struct {
	// ConfigFile is the -c file (config-reload, config-write, SIGHUP).
	ConfigFile string
	// ServerPort and ClientPort are -p and -P (0: 67 and 68).
	ServerPort, ClientPort uint16
	// Logger is the root of the server's loggers; nil: klog.Default's
	// kea-dhcp4 hierarchy.
	Logger *klog.Logger
	// Slog receives the messages of the packages that log through
	// log/slog (allocation engine, hooks, control sockets); nil: klog.Default.Slog
	// (Kea's layout, through the "loggers" configuration).
	Slog *slog.Logger
	// Sender, when set, replaces the sockets for sending replies (tests).
	Sender func(*netio.Packet) error
	// ManageLogging applies the configuration's loggers to klog.Default
	// (the daemon does; in-process users keep their own logging).
	ManageLogging bool
	// NoSockets skips opening DHCP sockets (tests drive Handle directly);
	// LocalAddrs then stand for the sockets' addresses (server
	// identifiers the server accepts as its own).
	NoSockets  bool
	LocalAddrs []netip.Addr
}

// Server is a running kea-dhcp4.
type Server struct {
	opts      Options
	snap      atomic.Pointer[snapshot]
	hooks     *hooks.Manager
	stats     *stats.Registry
	pstats    *pktStats
	cmds      *ctrl.Manager
	log       *klog.Logger
	slog      *slog.Logger
	engine    *alloc.Engine4
	reclaimer *alloc.Reclaimer4
	d2        d2client.Manager // dhcp-ddns (ddns.go)
	store     lease.Store4
	leases    leasedb.Store[lease.Store4] // store and what closes it
	hostdbs   leasedb.HostDBs

	sockets   *netio.Set
	disp      *netio.Dispatcher
	detector  netio.Detector
	sender    func(*netio.Packet) error
	sockAddrs atomic.Pointer[map[[4]byte]bool]
	// firstAddrs is, per interface index, the address of the interface's
	// first IPv4 socket: Kea's IfaceMgr::getSocket for a broadcast query.
	firstAddrs atomic.Pointer[map[int]netip.Addr]

	workers sync.Pool
	// Batched replies (batch.go): the outbox, the packets carrying the
	// replies, the lease store's group commit (nil: none) and the sockets
	// to send on.
	outbox  outbox.Outbox[outMeta]
	outPool *netio.Pool
	grouper lease.WriteGrouper
	sendSet atomic.Pointer[netio.Set]
	names   sync.Map
	nnames  atomic.Int32

	disabled   daemon.NetworkState
	core       *daemon.CoreCommands[config.Dhcp4]
	mu         sync.Mutex // configuration changes and lifecycle
	ctl        daemon.ControlSockets
	started    time.Time
	reloaded   time.Time
	stopping   chan int
	stopOnce   sync.Once
	queueFullC atomic.Pointer[stats.Counter]
	// clients serialises the queries of one client in multi-threaded
	// mode (clients.go).
	clients *clientLocks
	// ipc is the DHCPv4-over-DHCPv6 link to the DHCPv6 server
	// (dhcp4o6.go); gate keeps its queries out while the
	// configuration changes.
	ipc  *dhcp4o6.Endpoint
	gate sync.RWMutex
}

// New returns a server with no configuration; Configure starts it.
func New(o Options) *Server {
	s := &Server{opts: o, stats: stats.New(), started: time.Now(), stopping: make(chan int, 1)}
	s.log = o.Logger
	if s.log == nil {
		s.log = klog.NewLogger("dhcp4")
	}
	s.slog = o.Slog
	if s.slog == nil {
		// Kea's layout and IDs for what the engine, hooks and control
		// sockets log (klog.Manager.Slog).
		s.slog = klog.Default.Slog("dhcp4")
	}
	s.hooks = hooks.NewManager(hooks.Options{ProcName: "kea-dhcp4", Logger: s.slog, Services: s})
	s.pstats = newPktStats(s.stats)
	s.clients = newClientLocks()
	for _, n := range globalStatNames {
		s.stats.Counter(n)
	}
	s.cmds = ctrl.NewManager(s.slog)
	s.ctl = daemon.ControlSockets{Commands: s.cmds, Metrics: s.stats.PrometheusHandler(metricsNamespace),
		Defaults: ctrl.Dhcp4Defaults, Log: s.slog,
		HTTPHooks: hooks.HTTPHookPoints{Manager: func() *hooks.Manager { return s.hooks },
			Auth: hooks.HTTPAuth, Response: hooks.HTTPResponse}}
	s.cmds.SetHookDispatcher(s.hooks)
	s.registerCommands()
	s.workers.New = func() any { return newWorker(s) }
	s.outPool = netio.NewPool()
	s.sender = o.Sender
	s.ipc = dhcp4o6.NewEndpoint(dhcp4o6.V4, s.fromIPC)
	return s
}

// Stats returns the server's statistics registry.
func (s *Server) Stats() *stats.Registry { return s.stats }

// Commands returns the server's command manager.
func (s *Server) Commands() *ctrl.Manager { return s.cmds }

// Hooks returns the server's hooks manager.
func (s *Server) Hooks() *hooks.Manager { return s.hooks }

// LeaseStore returns the lease database in use.
func (s *Server) LeaseStore() lease.Store4 { return s.store }

// LeaseStore4 and Config4 are the services hook libraries ask for
// (hooks.LibraryHandle.Services): the lease database and configuration in
// force at the time of the call.
func (s *Server) LeaseStore4() lease.Store4 { return s.store }

// Config4 returns the configuration in force; see LeaseStore4.
func (s *Server) Config4() *config.Dhcp4 { return s.Config() }

// Config returns the configuration in force.
func (s *Server) Config() *config.Dhcp4 {
	if sn := s.snap.Load(); sn != nil {
		return sn.cfg
	}
	return nil
}

// Done is closed... it receives the exit value when the server was asked
// to stop (shutdown command).
func (s *Server) Done() <-chan int { return s.stopping }

// Handle processes one packet as if received from a socket (tests and
// in-process use).
func (s *Server) Handle(np *netio.Packet) { s.handle(np) }

func (s *Server) getWorker() *worker { return s.workers.Get().(*worker) }
func (s *Server) putWorker(w *worker) {
	w.q.ResetCalloutHandle()
	s.workers.Put(w)
}

// intern returns a string for b, shared for names seen before (class
// names built per packet), so that the common path does not allocate.
func (s *Server) intern(b []byte) string {
	if v, ok := s.names.Load(string(b)); ok {
		return v.(string)
	}
	str := string(b)
	if s.nnames.Add(1) < 4096 {
		s.names.Store(str, str)
	}
	return str
}

// hasSocketAddr reports whether a socket is bound to the address.
func (s *Server) hasSocketAddr(a [4]byte) bool {
	m := s.sockAddrs.Load()
	return m != nil && (*m)[a]
}

// serverPort is the port replies are sent from.
func (s *Server) serverPort() uint16 {
	if s.opts.ServerPort != 0 {
		return s.opts.ServerPort
	}
	return serverPort4
}

// queueFull counts a query dropped because its parking lot was full.
func (s *Server) queueFull() {
	c := s.queueFullC.Load()
	if c == nil {
		c = s.stats.Counter("pkt4-queue-full")
		s.queueFullC.Store(c)
	}
	c.Inc()
	s.pstats.receiveDrop.Inc()
}

// label is Kea's packet label for log messages, formatted only when a
// message is written.
func (w *worker) label() pktLabel { return pktLabel{&w.q} }

type pktLabel struct{ p *pkt.Pkt4 }

func (l pktLabel) String() string {
	p := l.p
	return formatLabel(p.HType, p.HWAddr(), p.ClientID(), p.Xid)
}

func (s *Server) enabled() bool { return s.disabled.Enabled() }

// recordSocketAddrs records the addresses the DHCP sockets are bound to,
// and each interface's first socket address (sockets are opened in the
// order of the interface's addresses, as Kea opens them).
func (s *Server) recordSocketAddrs() {
	m := map[[4]byte]bool{}
	first := map[int]netip.Addr{}
	for _, a := range s.opts.LocalAddrs {
		if a.Is4() {
			m[a.As4()] = true
		}
	}
	if s.sockets != nil {
		for _, c := range s.sockets.Conns() {
			sp := c.Spec()
			if a := sp.Addr; a.Is4() {
				m[a.As4()] = true
				if sp.Iface == nil {
					continue
				}
				if _, ok := first[sp.Iface.Index]; !ok {
					first[sp.Iface.Index] = a
				}
			}
		}
	}
	s.sockAddrs.Store(&m)
	s.firstAddrs.Store(&first)
}

// firstSocketAddr is the address of the first IPv4 socket open on the
// interface, if any.
func (s *Server) firstSocketAddr(ifindex int) (netip.Addr, bool) {
	m := s.firstAddrs.Load()
	if m == nil {
		return netip.Addr{}, false
	}
	a, ok := (*m)[ifindex]
	return a, ok
}

// dhcpsrvLog is Kea's "dhcpsrv" logger, for the lease back ends' and the
// sockets' messages (DHCPSRV_MEMFILE_*, DHCPSRV_OPEN_SOCKET_FAIL).
var dhcpsrvLog = klog.NewLogger("dhcpsrv")
