package ctrl

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is Kea's control connection timeout (not configurable in
// Kea): a connection idle this long gets a timeout answer and is closed.
const DefaultTimeout = 10 * time.Second

// DefaultMaxCommandSize bounds a command's text. Kea has no bound; Nestor
// answers "command too large" past it rather than grow without end.
const DefaultMaxCommandSize = 64 << 20

const readChunk = 32 << 10 // Kea's BUF_SIZE

// UnixOptions tune a unix control socket; the zero value is Kea's behaviour.
type UnixOptions struct {
	Timeout        time.Duration // 0: DefaultTimeout
	MaxCommandSize int           // 0: DefaultMaxCommandSize
	Logger         *slog.Logger  // nil: slog.Default()
}

// UnixListener is a "control-socket" of socket-type unix, as Kea's
// CommandMgr runs it: one command per connection, answered, then closed.
type UnixListener struct {
	path string
	mgr  *Manager
	opt  UnixOptions
	ln   *net.UnixListener
	lock *os.File

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// ListenUnix opens the control socket at path: it takes the lock file
// path+".lock" (0600, flock) so that two servers cannot share a socket,
// removes a stale socket file left by a previous run, binds (the file's
// mode follows the umask, as in Kea) and starts accepting connections.
func ListenUnix(path string, m *Manager, opt UnixOptions) (*UnixListener, error) {
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxCommandSize == 0 {
		opt.MaxCommandSize = DefaultMaxCommandSize
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	lockName := path + ".lock"
	lock, err := os.OpenFile(lockName, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot create socket lockfile, %s, : %v", lockName, errText(err))
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("cannot lock socket lockfile, %s, : %v", lockName, errText(err))
	}
	_ = os.Remove(path)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		lock.Close()
		_ = os.Remove(lockName)
		return nil, err
	}
	ln.SetUnlinkOnClose(true)
	l := &UnixListener{path: path, mgr: m, opt: opt, ln: ln, lock: lock, conns: map[net.Conn]struct{}{}}
	opt.Logger.Info("command acceptor started", "msgid", "COMMAND_ACCEPTOR_START", "socket", path)
	l.wg.Add(1)
	go l.serve()
	return l, nil
}

// errText is strerror's text of an error from the system.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

// Path returns the socket's path.
func (l *UnixListener) Path() string { return l.path }

// Close stops accepting, closes open connections, removes the socket and
// lock files and waits for the connection goroutines to end.
func (l *UnixListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	err := l.ln.Close()
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	_ = os.Remove(l.path + ".lock")
	l.lock.Close()
	return err
}

func (l *UnixListener) serve() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			l.mu.Lock()
			closed := l.closed
			l.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			l.opt.Logger.Error("accept failed", "msgid", "COMMAND_SOCKET_ACCEPT_FAIL", "error", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			c.Close()
			return
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go l.handle(c)
	}
}

func (l *UnixListener) handle(c net.Conn) {
	defer l.wg.Done()
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		c.Close()
	}()
	log := l.opt.Logger
	log.Debug("command connection opened", "msgid", "COMMAND_SOCKET_CONNECTION_OPENED")
	feed := NewFeed(l.opt.MaxCommandSize)
	buf := make([]byte, readChunk)
	var answer []byte
	for answer == nil {
		_ = c.SetReadDeadline(time.Now().Add(l.opt.Timeout))
		n, err := c.Read(buf)
		if n > 0 {
			feed.Write(buf[:n])
			switch {
			case feed.Err() != nil:
				log.Warn("error processing command", "msgid", "COMMAND_PROCESS_ERROR1", "error", feed.Err())
				answer = Error(feed.Err().Error()).Bytes()
			case feed.Done():
				answer = l.mgr.ProcessText(feed.Text())
			}
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			log.Info("command connection timed out", "msgid", "COMMAND_SOCKET_CONNECTION_TIMEOUT")
			text := "Connection over control channel timed out"
			if p := len(feed.Text()); p > 0 {
				text += ", discarded partial command of " + strconv.Itoa(p) + " bytes"
			}
			answer = Error(text).Bytes()
			break
		}
		if err != nil {
			// The client closed its side before a complete command: Kea
			// drops the connection without an answer.
			log.Info("command connection closed by the client", "msgid", "COMMAND_SOCKET_CLOSED_BY_FOREIGN_HOST",
				"partial", len(feed.Text()))
			return
		}
	}
	_ = c.SetWriteDeadline(time.Now().Add(l.opt.Timeout))
	if _, err := c.Write(answer); err != nil {
		log.Error("command answer write failed", "msgid", "COMMAND_SOCKET_WRITE_FAIL", "error", err)
		return
	}
	if uc, ok := c.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
}
