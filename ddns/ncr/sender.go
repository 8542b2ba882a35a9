package ncr

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// Config is the part of dhcp-ddns the sender uses.
type Config struct {
	ServerIP     string
	ServerPort   uint32
	SenderIP     string
	SenderPort   uint32
	MaxQueueSize uint32
}

// ErrQueueFull is returned by Send when max-queue-size requests wait
// already (Kea's NcrSenderQueueFull).
var ErrQueueFull = errors.New("send queue has reached maximum capacity")

// ErrSuspended is returned by Send once updates were suspended after an
// error (Kea's D2ClientMgr::suspendUpdates), until the sender is replaced.
var ErrSuspended = errors.New("DHCP_DDNS updates are suspended")

// Sender sends NameChangeRequests to D2 over UDP, one at a time, from a
// queue of at most MaxQueueSize requests. Send never blocks: when the queue
// is full the request is rejected, as Kea's NameChangeSender does. Like
// Kea's D2ClientMgr, the first error (a full queue or a failed send)
// suspends updates: the error handler is told, and later requests are
// refused until a new sender (a reconfiguration) replaces this one.
type Sender struct {
	conn      *net.UDPConn
	dst       *net.UDPAddr
	queue     chan *Request
	done      chan struct{}
	wg        sync.WaitGroup
	suspended atomic.Bool
	sent      atomic.Uint64
	onSent    func(r *Request)
	onError   func(err error, r *Request)
	stopOnce  sync.Once
}

// Handlers are the sender's callbacks; both may be nil. OnError is called
// once, on the error that suspends updates (from Send's goroutine or the
// sender's).
type Handlers struct {
	OnSent  func(r *Request)
	OnError func(err error, r *Request)
}

// Start opens the sender's socket (sender-ip/sender-port, port 0 meaning
// any) and starts sending to server-ip/server-port.
func Start(c Config, h Handlers) (*Sender, error) {
	srv, err := netip.ParseAddr(c.ServerIP)
	if err != nil {
		return nil, fmt.Errorf("invalid server-ip %q: %w", c.ServerIP, err)
	}
	src, err := netip.ParseAddr(c.SenderIP)
	if err != nil {
		return nil, fmt.Errorf("invalid sender-ip %q: %w", c.SenderIP, err)
	}
	network := "udp4"
	if srv.Is6() && !srv.Is4In6() {
		network = "udp6"
	}
	conn, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(src, uint16(c.SenderPort))))
	if err != nil {
		return nil, err
	}
	size := int(c.MaxQueueSize)
	if size <= 0 {
		size = 1
	}
	s := &Sender{
		conn:    conn,
		dst:     net.UDPAddrFromAddrPort(netip.AddrPortFrom(srv, uint16(c.ServerPort))),
		queue:   make(chan *Request, size),
		done:    make(chan struct{}),
		onSent:  h.OnSent,
		onError: h.OnError,
	}
	s.wg.Add(1)
	go s.run()
	return s, nil
}

// String is the sender's description for DHCPSRV_DHCP_DDNS_SENDER_STARTED.
func (s *Sender) String() string {
	return fmt.Sprintf("NCR Sender, IP: %s port: %d", s.conn.LocalAddr().(*net.UDPAddr).IP, s.conn.LocalAddr().(*net.UDPAddr).Port)
}

// LocalAddr is the address requests are sent from.
func (s *Sender) LocalAddr() netip.AddrPort { return s.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

// Send queues r without blocking.
func (s *Sender) Send(r *Request) error {
	if s == nil {
		return ErrSuspended
	}
	if s.suspended.Load() {
		return ErrSuspended
	}
	select {
	case <-s.done:
		return ErrSuspended
	default:
	}
	select {
	case s.queue <- r:
		return nil
	default:
		s.fail(ErrQueueFull, r)
		return ErrQueueFull
	}
}

// Suspended reports whether an error suspended updates.
func (s *Sender) Suspended() bool { return s.suspended.Load() }

// QueueSize is the number of requests waiting.
func (s *Sender) QueueSize() int { return len(s.queue) }

// Sent is the number of requests sent.
func (s *Sender) Sent() uint64 { return s.sent.Load() }

func (s *Sender) fail(err error, r *Request) {
	if s.suspended.CompareAndSwap(false, true) && s.onError != nil {
		s.onError(err, r)
	}
}

func (s *Sender) run() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case r := <-s.queue:
			if s.suspended.Load() {
				continue
			}
			if _, err := s.conn.WriteToUDP(r.Marshal(), s.dst); err != nil {
				s.fail(err, r)
				continue
			}
			s.sent.Add(1)
			if s.onSent != nil {
				s.onSent(r)
			}
		}
	}
}

// Stop closes the sender; requests still queued are dropped (Kea's
// stopSender does not flush either).
func (s *Sender) Stop() {
	if s == nil {
		return
	}
	s.stopOnce.Do(func() {
		close(s.done)
		s.wg.Wait()
		s.conn.Close()
	})
}
