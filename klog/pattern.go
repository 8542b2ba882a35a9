package klog

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Kea's default layouts (ARM "Logging Message Format").
const (
	DefaultPattern       = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n"
	DefaultSyslogPattern = "%-5p [%c.%t] %m\n"
)

// Pattern is a compiled log4cplus PatternLayout conversion pattern.
//
// Parsing follows log4cplus 2.0 (the version Kea 2.2 is linked with):
// "%%" is a percent sign; a conversion is '%', an optional '-' (left
// align), an optional minimum width, an optional '.' and maximum width,
// then the conversion character; c, d, D, E and X take a {option}. A
// longer value is truncated from its beginning to the maximum width, a
// shorter one padded with spaces to the minimum. log4cplus never rejects a
// pattern: an unknown conversion character, or a '.' not followed by a
// digit, makes the text read so far ("%3k", "%.m") literal output, and
// an unterminated "{" swallows the rest of the pattern. Pattern keeps
// those semantics and lists each such place in Problems.
type Pattern struct {
	src        string
	convs      []conv
	problems   []string
	needCaller bool
	needTID    bool
}

type convKind uint8

const (
	cvLiteral convKind = iota
	cvLogger
	cvDateUTC
	cvDateLocal
	cvEnv
	cvBasename
	cvFile
	cvHost
	cvFQDN
	cvLocation
	cvLine
	cvMessage
	cvFunction
	cvNewline
	cvLevel
	cvRelative
	cvThread
	cvThread2
	cvEmpty // %x (NDC) and %X (MDC): Kea never sets them
	cvPID
)

type conv struct {
	kind      convKind
	left      bool
	min, max  int
	precision int    // %c{N}
	text      string // literal text or resolved %E value
	tf        timeFormat
}

// Limits on widths so that a hostile pattern cannot make each line
// megabytes long; log4cplus has none, no real pattern comes near them.
const (
	maxMinWidth = 1 << 12
	noMaxWidth  = 1 << 30
)

// ParsePattern compiles a log4cplus pattern. It never fails, as log4cplus
// never does; see Pattern.Problems.
func ParsePattern(src string) *Pattern {
	p := &Pattern{src: src}
	const (
		stLit = iota
		stConv
		stMin
		stDot
		stMax
	)
	state := stLit
	var cur []byte
	var c0 conv
	flushLit := func() {
		if len(cur) > 0 {
			p.convs = append(p.convs, conv{kind: cvLiteral, text: string(cur)})
			cur = cur[:0]
		}
	}
	i := 0
	finalize := func(ch byte) {
		state = stLit
		c := c0
		switch ch {
		case 'c':
			c.kind = cvLogger
			opt, ok := p.option(&i)
			if ok {
				n, err := strconv.Atoi(opt)
				if err == nil && n > 0 {
					c.precision = n
				}
			}
		case 'd', 'D':
			c.kind = cvDateUTC
			if ch == 'D' {
				c.kind = cvDateLocal
			}
			opt, _ := p.option(&i)
			if opt == "" {
				opt = defaultDateFormat
			}
			c.tf = compileTimeFormat(opt)
		case 'E':
			c.kind = cvEnv
			opt, _ := p.option(&i)
			c.text = os.Getenv(opt)
		case 'X':
			c.kind = cvEmpty
			p.option(&i)
		case 'x':
			c.kind = cvEmpty
		case 'b':
			c.kind = cvBasename
		case 'F':
			c.kind = cvFile
		case 'h':
			c.kind = cvHost
		case 'H':
			c.kind = cvFQDN
		case 'l':
			c.kind = cvLocation
		case 'L':
			c.kind = cvLine
		case 'm':
			c.kind = cvMessage
		case 'M':
			c.kind = cvFunction
		case 'n':
			c.kind = cvNewline
		case 'p':
			c.kind = cvLevel
		case 'r':
			c.kind = cvRelative
		case 't':
			c.kind = cvThread
		case 'T':
			c.kind = cvThread2
		case 'i':
			c.kind = cvPID
		default:
			p.problems = append(p.problems, fmt.Sprintf("unexpected char [%c] at position %d in conversion pattern", ch, i-1))
			flushLit()
			return
		}
		cur = cur[:0]
		switch c.kind {
		case cvBasename, cvFile, cvLocation, cvLine, cvFunction:
			p.needCaller = true
		case cvThread2:
			p.needTID = true
		}
		p.convs = append(p.convs, c)
	}
	for i < len(src) {
		ch := src[i]
		i++
		switch state {
		case stLit:
			if ch != '%' {
				cur = append(cur, ch)
				continue
			}
			if i < len(src) && src[i] == '%' {
				cur = append(cur, '%')
				i++
				continue
			}
			flushLit()
			cur = append(cur, '%')
			c0 = conv{min: -1, max: noMaxWidth}
			state = stConv
		case stConv:
			cur = append(cur, ch)
			switch {
			case ch == '-':
				c0.left = true
			case ch == '.':
				state = stDot
			case isDigit(ch):
				c0.min = int(ch - '0')
				state = stMin
			default:
				finalize(ch)
			}
		case stMin:
			cur = append(cur, ch)
			switch {
			case isDigit(ch):
				c0.min = min(c0.min*10+int(ch-'0'), maxMinWidth)
			case ch == '.':
				state = stDot
			default:
				finalize(ch)
			}
		case stDot:
			cur = append(cur, ch)
			if isDigit(ch) {
				c0.max = int(ch - '0')
				state = stMax
			} else {
				p.problems = append(p.problems, fmt.Sprintf("error occurred in position %d; was expecting digit, instead got char [%c]", i-1, ch))
				state = stLit
			}
		case stMax:
			cur = append(cur, ch)
			if isDigit(ch) {
				c0.max = min(c0.max*10+int(ch-'0'), noMaxWidth)
			} else {
				finalize(ch)
			}
		}
	}
	flushLit()
	return p
}

// option reads a {...} option at *i. Without a closing brace log4cplus
// reports an error and skips the rest of the pattern.
func (p *Pattern) option(i *int) (string, bool) {
	if *i >= len(p.src) || p.src[*i] != '{' {
		return "", false
	}
	end := strings.IndexByte(p.src[*i:], '}')
	if end < 0 {
		p.problems = append(p.problems, fmt.Sprintf("no matching '}' found in conversion pattern string %q", p.src))
		*i = len(p.src)
		return "", false
	}
	opt := p.src[*i+1 : *i+end]
	*i += end + 1
	return opt, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// String returns the pattern as written.
func (p *Pattern) String() string { return p.src }

// Problems lists what log4cplus would have reported about the pattern
// (Kea runs log4cplus quietly, so operators never see these).
func (p *Pattern) Problems() []string { return p.problems }

// event is one message on its way to the outputs.
type event struct {
	t      time.Time
	sev    Severity
	logger string
	msg    []byte
	pc     uintptr
	tid    int // %t; 0 prints the pid
	ktid   int // %T, read on first use
	env    *procInfo
}

// procInfo holds the per-process values patterns print.
type procInfo struct {
	pid   int
	start time.Time
	host  string
	fqdn  string
	loc   *time.Location // of %D
}

// appendEvent renders e through the pattern.
func (p *Pattern) appendEvent(b []byte, e *event) []byte {
	for i := range p.convs {
		c := &p.convs[i]
		if c.kind == cvLiteral {
			b = append(b, c.text...)
			continue
		}
		at := len(b)
		b = c.appendValue(b, e)
		b = c.format(b, at)
	}
	return b
}

// format applies the width modifiers to b[at:], as log4cplus does:
// truncation from the beginning wins over padding.
func (c *conv) format(b []byte, at int) []byte {
	n := len(b) - at
	switch {
	case n > c.max:
		copy(b[at:], b[len(b)-c.max:])
		return b[:at+c.max]
	case n < c.min:
		pad := c.min - n
		for range pad {
			b = append(b, ' ')
		}
		if !c.left {
			copy(b[at+pad:], b[at:at+n])
			for k := at; k < at+pad; k++ {
				b[k] = ' '
			}
		}
	}
	return b
}

func (c *conv) appendValue(b []byte, e *event) []byte {
	switch c.kind {
	case cvLogger:
		return append(b, lastComponents(e.logger, c.precision)...)
	case cvDateUTC:
		return c.tf.append(b, e.t.UTC())
	case cvDateLocal:
		return c.tf.append(b, e.t.In(e.env.loc))
	case cvEnv:
		return append(b, c.text...)
	case cvMessage:
		return append(b, e.msg...)
	case cvNewline:
		return append(b, '\n')
	case cvLevel:
		return append(b, e.sev.String()...)
	case cvPID:
		return strconv.AppendInt(b, int64(e.env.pid), 10)
	case cvThread:
		// Kea prints pthread_self(); goroutines have no stable thread, so
		// klog prints the main thread's ID (the pid), which costs nothing.
		if e.tid != 0 {
			return strconv.AppendInt(b, int64(e.tid), 10)
		}
		return strconv.AppendInt(b, int64(e.env.pid), 10)
	case cvThread2:
		if e.ktid == 0 {
			e.ktid = gettid()
		}
		return strconv.AppendInt(b, int64(e.ktid), 10)
	case cvRelative:
		return strconv.AppendInt(b, e.t.Sub(e.env.start).Milliseconds(), 10)
	case cvHost:
		return append(b, e.env.host...)
	case cvFQDN:
		return append(b, e.env.fqdn...)
	case cvBasename, cvFile, cvLocation, cvLine, cvFunction:
		return appendCaller(b, c.kind, e.pc)
	}
	return b
}

func lastComponents(name string, n int) string {
	if n <= 0 {
		return name
	}
	end := len(name)
	for k := len(name) - 1; k >= 0; k-- {
		if name[k] == '.' {
			n--
			if n == 0 {
				return name[k+1 : end]
			}
		}
	}
	return name
}

func appendCaller(b []byte, k convKind, pc uintptr) []byte {
	if pc == 0 {
		return b
	}
	fr, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	switch k {
	case cvBasename:
		return append(b, filepath.Base(fr.File)...)
	case cvFile:
		return append(b, fr.File...)
	case cvLine:
		return strconv.AppendInt(b, int64(fr.Line), 10)
	case cvLocation:
		b = append(b, fr.File...)
		b = append(b, ':')
		return strconv.AppendInt(b, int64(fr.Line), 10)
	}
	return append(b, fr.Function...)
}
