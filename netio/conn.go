package netio

import (
	"sync/atomic"
	"time"
)

// Conn is one open DHCP socket.
//
// ReadBatch waits until at least one packet arrives and fills the first n
// entries of pkts (each must be a packet with a buffer, from a Pool or
// NewPacket); it may reorder pkts. Frames or datagrams that fail the
// socket's checks are dropped and counted in Stats().Malformed. Only one
// goroutine may call ReadBatch at a time.
//
// WriteBatch sends pkts in order and returns how many were sent and the
// error that stopped it; it is safe for concurrent use.
type Conn interface {
	ReadBatch(pkts []*Packet) (int, error)
	WriteBatch(pkts []*Packet) (int, error)
	Spec() SocketSpec
	Stats() ConnStats
	// SetReadDeadline makes a blocked ReadBatch return
	// os.ErrDeadlineExceeded at t (zero: no deadline).
	SetReadDeadline(t time.Time) error
	Close() error
}

// ConnStats are per-socket counters.
type ConnStats struct {
	Received   uint64 // packets handed up
	Malformed  uint64 // frames/datagrams dropped by the socket's checks
	Sent       uint64
	SendErrors uint64
}

type connCounters struct {
	received, malformed, sent, sendErrors atomic.Uint64
}

func (c *connCounters) stats() ConnStats {
	return ConnStats{
		Received:   c.received.Load(),
		Malformed:  c.malformed.Load(),
		Sent:       c.sent.Load(),
		SendErrors: c.sendErrors.Load(),
	}
}

// Options tune sockets beyond what Kea configures.
type Options struct {
	// RecvBuffer and SendBuffer set SO_RCVBUFFORCE/SO_SNDBUFFORCE (falling
	// back to SO_RCVBUF/SO_SNDBUF) in bytes; 0 keeps the kernel default, as
	// Kea does.
	RecvBuffer int
	SendBuffer int
}
