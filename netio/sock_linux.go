package netio

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// sock wraps a non-blocking socket descriptor in an os.File so that waiting
// for it goes through Go's netpoller, with prebuilt callbacks so that a
// batch read or write allocates nothing.
type sock struct {
	fd     int
	f      *os.File
	rc     syscall.RawConn
	closed atomic.Bool

	// Receive side: one reader at a time (the receive loop).
	rb     *batch
	rn     int
	rgot   int
	rerr   error
	readFn func(uintptr) bool

	// Send side: workers send concurrently; wmu serialises the batch.
	wmu     sync.Mutex
	wb      *batch
	wfrom   int
	wn      int
	wgot    int
	werr    error
	writeFn func(uintptr) bool
}

// batchSize is how many packets one recvmmsg/sendmmsg call moves at most.
const batchSize = 64

func newSock(fd int, name string, oobSize int) (*sock, error) {
	f := os.NewFile(uintptr(fd), name)
	if f == nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netio: bad descriptor for %s", name)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &sock{fd: fd, f: f, rc: rc, rb: newBatch(batchSize, oobSize), wb: newBatch(batchSize, oobSize)}
	s.readFn = s.doRead
	s.writeFn = s.doWrite
	return s, nil
}

func (s *sock) doRead(fd uintptr) bool {
	for {
		n, err := s.rb.recv(int(fd), s.rn)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return false
		}
		s.rgot, s.rerr = n, err
		return true
	}
}

// recv fills up to n messages of s.rb, waiting until at least one arrives.
func (s *sock) recv(n int) (int, error) {
	if n > len(s.rb.hdrs) {
		n = len(s.rb.hdrs)
	}
	s.rn = n
	if err := s.rc.Read(s.readFn); err != nil {
		return 0, s.mapClosed(err)
	}
	return s.rgot, s.rerr
}

func (s *sock) doWrite(fd uintptr) bool {
	for {
		n, err := s.wb.send(int(fd), s.wfrom, s.wn)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return false
		}
		s.wgot, s.werr = n, err
		return true
	}
}

// send sends messages [0, n) of s.wb; the caller holds wmu. It returns how
// many were sent and the error that stopped it.
func (s *sock) send(n int) (int, error) {
	sent := 0
	for sent < n {
		s.wfrom, s.wn = sent, n
		if err := s.rc.Write(s.writeFn); err != nil {
			return sent, s.mapClosed(err)
		}
		if s.werr != nil {
			return sent, s.werr
		}
		sent += s.wgot
	}
	return sent, nil
}

func (s *sock) close() error {
	s.closed.Store(true)
	return s.f.Close()
}

// ErrClosed is returned by reads and writes on a closed socket.
var ErrClosed = errors.New("netio: socket closed")

// mapClosed turns the poller's "use of closed file" into ErrClosed.
func (s *sock) mapClosed(err error) error {
	if s.closed.Load() || errors.Is(err, os.ErrClosed) {
		return ErrClosed
	}
	return err
}

func socket(domain, typ, proto int) (int, error) {
	return unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
