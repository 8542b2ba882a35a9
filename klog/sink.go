package klog

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// sink is one destination. write receives one rendered message; writes
// to a sink are serialized by the sink itself.
type sink interface {
	write(p []byte, sev Severity) error
	flush() error
	close() error
}

var errClosed = errors.New("klog: output closed")

// streamSink writes to stdout or stderr (or, in tests, any writer).
type streamSink struct {
	mu     sync.Mutex
	w      io.Writer
	bw     *bufio.Writer // nil when every message is flushed
	closed bool
}

func newStreamSink(w io.Writer, flush bool) *streamSink {
	s := &streamSink{w: w}
	if !flush {
		s.bw = bufio.NewWriterSize(w, 8192)
	}
	return s
}

func (s *streamSink) write(p []byte, _ Severity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	var err error
	if s.bw != nil {
		_, err = s.bw.Write(p)
	} else {
		_, err = s.w.Write(p)
	}
	return err
}

func (s *streamSink) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bw != nil && !s.closed {
		return s.bw.Flush()
	}
	return nil
}

// close flushes and detaches; the process's stdout and stderr stay open.
func (s *streamSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.bw != nil && !s.closed {
		err = s.bw.Flush()
	}
	s.closed = true
	return err
}

// Output names Kea gives special meaning in "output".
const (
	OutputStdout = "stdout"
	OutputStderr = "stderr"
	OutputSyslog = "syslog"
)
