package klog

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultSyslogFacility is the facility of "syslog" without a name.
const DefaultSyslogFacility = "local0"

// syslogPath is the local syslog socket; tests point it elsewhere.
var syslogPath = "/dev/log"

var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// parseFacility reads a facility name without regard to case; like
// log4cplus, an unknown name means "user".
func parseFacility(name string) int {
	if f, ok := facilities[strings.ToLower(name)]; ok {
		return f
	}
	return 1
}

// syslogSink sends each message as one datagram in the format the C
// library's syslog(3) uses on the local socket, which is what Kea's
// log4cplus SysLogAppender produces: "<PRI>Mmm dd hh:mm:ss IDENT: MSG"
// with local time, no host name and no PID. Kea's ident is the root
// logger name. A lost or missing socket drops messages, as syslog(3) does,
// and the sink reconnects on the next message.
type syslogSink struct {
	mu       sync.Mutex
	facility int
	ident    string
	path     string
	conn     net.Conn
	buf      []byte
	closed   bool
	now      func() time.Time
	loc      *time.Location
}

func newSyslogSink(facility, ident string, now func() time.Time, loc *time.Location) *syslogSink {
	return &syslogSink{facility: parseFacility(facility), ident: ident, path: syslogPath, now: now, loc: loc}
}

func (s *syslogSink) write(p []byte, sev Severity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	b := append(s.buf[:0], '<')
	b = strconv.AppendInt(b, int64(s.facility*8+syslogSeverity(sev)), 10)
	b = append(b, '>')
	t := s.now().In(s.loc)
	_, month, day := t.Date()
	h, m, sec := t.Clock()
	b = append(b, shortMonths[month-1]...)
	b = append(b, ' ')
	b = pad2(b, day, ' ')
	b = append(b, ' ')
	b = appendHMS(b, h, m, sec)
	b = append(b, ' ')
	b = append(b, s.ident...)
	b = append(b, ": "...)
	b = append(b, p...)
	s.buf = b
	var err error
	for try := 0; try < 2; try++ {
		if s.conn == nil {
			if s.conn, err = net.Dial("unixgram", s.path); err != nil {
				s.conn = nil
				return err
			}
		}
		if _, err = s.conn.Write(b); err == nil {
			return nil
		}
		s.conn.Close()
		s.conn = nil
	}
	return err
}

func (s *syslogSink) flush() error { return nil }

func (s *syslogSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.conn != nil {
		err := s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}
