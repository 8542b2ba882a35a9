package klog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// MinRotateSize is log4cplus's MINIMUM_ROLLING_LOG_SIZE. Kea's ARM says a
// smaller maxsize disables rotation, but Kea 2.2 (log4cplus 2.0.8) raises
// it to this value instead (testdata/kea/rotate-R2.ls); klog does what
// Kea does. maxsize 0 disables rotation.
const MinRotateSize = 204800

// fileSink appends to a file and rotates it as log4cplus's
// RollingFileAppender does: after a write leaves the file larger than
// maxsize, file.maxver is removed, file.N-1 .. file.1 are renamed one up,
// file becomes file.1 and a new, empty file is opened. A size check also
// runs before each write. Rotation is guarded by "<file>.lock" with
// flock, as log4cplus's UseLockFile (which Kea sets) does, so several
// processes can share one log file.
type fileSink struct {
	mu      sync.Mutex
	path    string
	maxSize int64 // 0: never rotate
	maxVer  int
	f       *os.File
	bw      *bufio.Writer
	lock    *os.File
	closed  bool
}

func openFileSink(path string, maxSize uint64, maxVer int, flush bool) (*fileSink, error) {
	s := &fileSink{path: path, maxVer: max(maxVer, 1)}
	if maxSize > 0 {
		s.maxSize = int64(min(max(maxSize, MinRotateSize), 1<<62))
	}
	if err := s.open(os.O_APPEND); err != nil {
		return nil, err
	}
	if !flush {
		s.bw = bufio.NewWriterSize(s.f, 8192)
	}
	if s.maxSize > 0 {
		l, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			s.f.Close()
			return nil, fmt.Errorf("klog: %w", err)
		}
		s.lock = l
	}
	return s, nil
}

func (s *fileSink) open(mode int) error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|mode, 0o644)
	if err != nil {
		return fmt.Errorf("klog: %w", err)
	}
	s.f = f
	if s.bw != nil {
		s.bw.Reset(f)
	}
	return nil
}

func (s *fileSink) write(p []byte, _ Severity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if s.maxSize == 0 {
		return s.put(p)
	}
	if s.lock != nil {
		syscall.Flock(int(s.lock.Fd()), syscall.LOCK_EX)
		defer syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
	}
	if s.size() > s.maxSize {
		s.rollover()
	}
	err := s.put(p)
	if s.size() > s.maxSize {
		s.rollover()
	}
	return err
}

func (s *fileSink) put(p []byte) error {
	if s.f == nil {
		return errClosed
	}
	var err error
	if s.bw != nil {
		_, err = s.bw.Write(p)
	} else {
		_, err = s.f.Write(p)
	}
	return err
}

// size is the length of the file on disk plus what is still buffered.
func (s *fileSink) size() int64 {
	if s.f == nil {
		return 0
	}
	n, err := s.f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0
	}
	if s.bw != nil {
		n += int64(s.bw.Buffered())
	}
	return n
}

func (s *fileSink) rollover() {
	if s.bw != nil {
		s.bw.Flush()
	}
	s.f.Close()
	s.f = nil
	// Another process sharing the file may have rotated it already.
	if fi, err := os.Stat(s.path); err != nil || fi.Size() < s.maxSize {
		s.open(os.O_APPEND)
		return
	}
	os.Remove(s.path + "." + strconv.Itoa(s.maxVer))
	for i := s.maxVer - 1; i >= 1; i-- {
		os.Rename(s.path+"."+strconv.Itoa(i), s.path+"."+strconv.Itoa(i+1))
	}
	os.Rename(s.path, s.path+".1")
	s.open(os.O_TRUNC)
}

func (s *fileSink) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bw != nil && !s.closed {
		return s.bw.Flush()
	}
	return nil
}

func (s *fileSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.bw != nil && s.f != nil {
		err = s.bw.Flush()
	}
	if s.f != nil {
		if e := s.f.Close(); err == nil {
			err = e
		}
	}
	if s.lock != nil {
		s.lock.Close()
	}
	return err
}
