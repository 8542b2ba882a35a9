package server6

import (
	"errors"
	"github.com/nestordhcp/nestor/internal/daemon"
	"log/slog"
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
	"github.com/nestordhcp/nestor/stats"
)

// Debug levels of the packet path (Kea's DBG_DHCP6_*).
const (
	dbgBasic  = klog.DbgPktHandling
	dbgDetail = klog.DbgTraceBasicData
)

// Default DHCPv6 ports.
const (
	serverPort6 = 547
	clientPort6 = 546
)

var errNoSockets = errors.New("no socket to send the reply")

// Options configure a Server beyond its configuration file.
type Options struct {
	// ConfigFile is the -c file (config-reload, SIGHUP).
	ConfigFile string
	// ServerPort and ClientPort are -p and -P (0: 547 and 546).
	ServerPort, ClientPort uint16
	// Logger is the root of the server's loggers; nil: "dhcp6".
	Logger *klog.Logger
	// Slog receives the messages of the packages that log through
	// log/slog; nil: klog.Default.Slog (Kea's layout, through "loggers").
	Slog *slog.Logger
	// Sender, when set, replaces the sockets for sending replies (tests).
	Sender func(*netio.Packet) error
	// ManageLogging applies the configuration's loggers to klog.Default.
	ManageLogging bool
	// NoSockets skips opening DHCP sockets (tests drive Handle directly).
	NoSockets bool
	// DUIDLinkAddr, when set, is the link-layer address a generated
	// server DUID uses (tests); else the first interface with one.
	DUIDLinkAddr []byte
}

// Server is a running kea-dhcp6.
type Server struct {
	opts   Options
	snap   atomic.Pointer[snapshot]
	hooks  *hooks.Manager
	stats  *stats.Registry
	pstats *pktStats
	cmds   *ctrl.Manager
	log    *klog.Logger
	slog   *slog.Logger
	engine *alloc.Engine6
	d2     d2client.Manager // dhcp-ddns (ddns.go)
	// reclaimer runs expired-leases-processing and leases-reclaim.
	reclaimer *alloc.Reclaimer6
	store     lease.Store6
	leases    leasedb.Store[lease.Store6] // store and what closes it
	hostdbs   leasedb.HostDBs
	duid      []byte

	sockets  *netio.Set
	disp     *netio.Dispatcher
	detector netio.Detector
	sender   func(*netio.Packet) error
	// Batched replies (batch.go).
	outbox  outbox.Outbox[outMeta]
	outPool *netio.Pool
	grouper lease.WriteGrouper
	sendSet atomic.Pointer[netio.Set]

	workers sync.Pool

	disabled daemon.NetworkState
	core     *daemon.CoreCommands[config.Dhcp6]
	mu       sync.Mutex
	ctl      daemon.ControlSockets
	started  time.Time
	reloaded time.Time
	stopping chan int
	stopOnce sync.Once
	// ipc is the DHCPv4-over-DHCPv6 link to the DHCPv4 server
	// (dhcp4o6.go); gate keeps its responses out while the
	// configuration changes.
	ipc  *dhcp4o6.Endpoint
	gate sync.RWMutex
}

// New returns a server with no configuration; Configure starts it.
func New(o Options) *Server {
	s := &Server{opts: o, stats: stats.New(), started: time.Now(), stopping: make(chan int, 1)}
	s.log = o.Logger
	if s.log == nil {
		s.log = klog.NewLogger("dhcp6")
	}
	s.slog = o.Slog
	if s.slog == nil {
		// Kea's layout and IDs for what the engine, hooks and control
		// sockets log (klog.Manager.Slog).
		s.slog = klog.Default.Slog("dhcp6")
	}
	s.hooks = hooks.NewManager(hooks.Options{ProcName: "kea-dhcp6", Logger: s.slog, Services: s})
	s.pstats = newPktStats(s.stats)
	for _, n := range globalStatNames {
		s.stats.Counter(n)
	}
	s.cmds = ctrl.NewManager(s.slog)
	s.ctl = daemon.ControlSockets{Commands: s.cmds, Metrics: s.stats.PrometheusHandler(metricsNamespace),
		Defaults: ctrl.Dhcp6Defaults, Log: s.slog,
		HTTPHooks: hooks.HTTPHookPoints{Manager: func() *hooks.Manager { return s.hooks },
			Auth: hooks.HTTPAuth, Response: hooks.HTTPResponse}}
	s.cmds.SetHookDispatcher(s.hooks)
	s.registerCommands()
	s.workers.New = func() any { return newWorker(s) }
	s.sender = o.Sender
	s.outPool = netio.NewPool()
	s.ipc = dhcp4o6.NewEndpoint(dhcp4o6.V6, s.fromIPC)
	return s
}

// globalStatNames are created at startup with value 0, as Kea does.
var globalStatNames = []string{"declined-addresses", "reclaimed-declined-addresses", "reclaimed-leases", "cumulative-assigned-nas", "cumulative-assigned-pds"}

// Stats returns the server's statistics registry.
func (s *Server) Stats() *stats.Registry { return s.stats }

// Commands returns the server's command manager.
func (s *Server) Commands() *ctrl.Manager { return s.cmds }

// Hooks returns the server's hooks manager.
func (s *Server) Hooks() *hooks.Manager { return s.hooks }

// LeaseStore6 and Config6 are the services hook libraries ask for
// (hooks.LibraryHandle.Services).
func (s *Server) LeaseStore6() lease.Store6 { return s.store }

// Config6 returns the configuration in force; see LeaseStore6.
func (s *Server) Config6() *config.Dhcp6 { return s.Config() }

// Config returns the configuration in force.
func (s *Server) Config() *config.Dhcp6 {
	if sn := s.snap.Load(); sn != nil {
		return sn.cfg
	}
	return nil
}

// ServerDUID returns the server's DUID (the SERVERID option).
func (s *Server) ServerDUID() []byte { return s.duid }

// Done receives the exit value when the server was asked to stop.
func (s *Server) Done() <-chan int { return s.stopping }

// Handle processes one packet as if received from a socket.
func (s *Server) Handle(np *netio.Packet) { s.handle(np) }

func (s *Server) handle(np *netio.Packet) {
	w := s.workers.Get().(*worker)
	if !w.process(np) {
		s.putWorker(w)
	}
}

func (s *Server) putWorker(w *worker) {
	w.q.ResetCalloutHandle()
	s.workers.Put(w)
}

// queueFull counts a query dropped because its parking lot was full.
func (s *Server) queueFull() {
	s.stats.Counter("pkt6-queue-full").Inc()
	s.pstats.receiveDrop.Inc()
}

func (s *Server) serverPort() uint16 {
	if s.opts.ServerPort != 0 {
		return s.opts.ServerPort
	}
	return serverPort6
}

// Stop asks the server to stop with the exit value.
func (s *Server) Stop(exitValue int) {
	s.stopOnce.Do(func() { s.stopping <- exitValue })
}

// dhcpsrvLog is Kea's "dhcpsrv" logger, for the lease back ends' and the
// sockets' messages (DHCPSRV_MEMFILE_*, DHCPSRV_OPEN_SOCKET_FAIL).
var dhcpsrvLog = klog.NewLogger("dhcpsrv")
