package ctrl

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// JSONError is a parse error of Element::fromWire, printed as Kea prints it:
// "Bad null value: nul in <wire>:0:12".
type JSONError struct {
	Msg       string
	Line, Col int
	NoPos     bool // "nothing read" carries no position
	String    bool // "<string>" rather than "<wire>"
}

func (e *JSONError) Error() string {
	if e.NoPos {
		return e.Msg
	}
	file := " in <wire>:"
	if e.String {
		file = " in <string>:"
	}
	return e.Msg + file + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col)
}

// maxDepth bounds nesting; Kea recurses without a limit, which a hostile
// command could use to exhaust the stack.
const maxDepth = 1000

// wireParser reads one value the way Kea's Element::fromJSON(istream) does,
// with fromWire's counters (line and column start at 0; a line break sets
// the column to 1). Text after the value is ignored, as in fromWire.
type wireParser struct {
	in        []byte
	off       int
	line, pos int
	depth     int
	// str parses as fromJSON(string): positions from 1:1, "<string>".
	fromString bool
	// lenient keeps integers beyond int64 as their literal (for answers
	// produced by hook libraries, which Kea 2.6 prints as big integers).
	lenient bool
}

// ParseWire parses a command as Kea's Element::fromWire.
func ParseWire(data []byte) (*Element, error) {
	p := &wireParser{in: data}
	return p.value()
}

// parseString parses as Kea's Element::fromJSON(string), which reads HTTP
// command bodies: positions "<string>:line:col" counted from 1:1, and only
// white space may follow the value ("Extra data").
func parseString(data []byte) (*Element, error) {
	p := &wireParser{in: data, fromString: true, line: 1, pos: 1}
	e, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.off < len(p.in) {
		return nil, p.fail("Extra data", p.pos)
	}
	return e, nil
}

// parseAnswer parses an answer for re-printing: as ParseWire, but big
// integers are kept.
func parseAnswer(data []byte) (*Element, error) {
	p := &wireParser{in: data, lenient: true}
	return p.value()
}

const eof = -1

func (p *wireParser) get() int {
	if p.off >= len(p.in) {
		p.off++ // as an istream, a get at EOF still "consumes"
		return eof
	}
	c := p.in[p.off]
	p.off++
	return int(c)
}

func (p *wireParser) peek() int {
	if p.off >= len(p.in) {
		return eof
	}
	return int(p.in[p.off])
}

func (p *wireParser) unget() { p.off-- }

func (p *wireParser) fail(msg string, pos int) error {
	return &JSONError{Msg: msg, Line: p.line, Col: pos, String: p.fromString}
}

func isWS(c int) bool {
	return c == ' ' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t'
}

func (p *wireParser) skipWS() {
	for c := p.peek(); c != eof && isWS(c); c = p.peek() {
		if c == '\n' {
			p.line++
			p.pos = 1
		} else {
			p.pos++
		}
		p.off++
	}
}

// skipTo is Kea's skipTo(chars, WHITESPACE): the next character must be one
// of chars, possibly after white space; white space after it is skipped too.
func (p *wireParser) skipTo(chars string) (int, error) {
	c := p.get()
	p.pos++
	for c != eof {
		if c == '\n' {
			p.pos = 1
			p.line++
		}
		switch {
		case isWS(c):
			c = p.get()
			p.pos++
		case strings.IndexByte(chars, byte(c)) >= 0:
			p.skipWS()
			return c, nil
		default:
			return 0, p.fail("'"+string([]byte{byte(c)})+"' read, one of \""+chars+"\" expected", p.pos)
		}
	}
	return 0, p.fail("EOF read, one of \""+chars+"\" expected", p.pos)
}

func (p *wireParser) value() (*Element, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail("too deeply nested", p.pos)
	}
	p.skipWS()
	c := p.get()
	p.pos++
	switch {
	case c == eof:
		return nil, &JSONError{Msg: "nothing read", NoPos: true}
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		p.unget()
		p.pos--
		return p.number()
	case c == 't' || c == 'f':
		p.unget()
		p.pos--
		start := p.pos
		w := p.word()
		switch w {
		case "true":
			return &Element{kind: Bool, b: true, str: p.fromString, line: p.line, col: start}, nil
		case "false":
			return &Element{kind: Bool, str: p.fromString, line: p.line, col: start}, nil
		}
		return nil, p.fail("Bad boolean value: "+w, start)
	case c == 'n':
		p.unget()
		p.pos--
		start := p.pos
		if w := p.word(); w != "null" {
			return nil, p.fail("Bad null value: "+w, start)
		}
		return &Element{kind: Null, str: p.fromString, line: p.line, col: start}, nil
	case c == '"':
		p.unget()
		p.pos--
		start := p.pos
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Element{kind: String, s: s, str: p.fromString, line: p.line, col: start}, nil
	case c == '[':
		return p.list()
	case c == '{':
		return p.object()
	}
	return nil, p.fail("error: unexpected character "+string([]byte{byte(c)}), p.pos)
}

func isAlpha(c int) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (p *wireParser) word() string {
	start := p.off
	for isAlpha(p.peek()) {
		p.off++
	}
	p.pos += p.off - start
	return string(p.in[start:p.off])
}

func (p *wireParser) number() (*Element, error) {
	start := p.pos
	b := p.off
	for {
		c := p.peek()
		if c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E' {
			p.off++
			continue
		}
		break
	}
	lit := string(p.in[b:p.off])
	p.pos += len(lit)
	if strings.ContainsAny(lit, ".eE") {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, p.fail("Number overflow: "+lit, start)
		}
		return &Element{kind: Real, f: f, str: p.fromString, line: p.line, col: start}, nil
	}
	i, err := strconv.ParseInt(lit, 10, 64)
	if err != nil {
		if p.lenient && errors.Is(err, strconv.ErrRange) {
			return &Element{kind: Int, big: true, s: strings.TrimPrefix(lit, "+"), str: p.fromString, line: p.line, col: start}, nil
		}
		return nil, p.fail("Number overflow: "+lit, start)
	}
	return &Element{kind: Int, i: i, str: p.fromString, line: p.line, col: start}, nil
}

func hexVal(c int) int {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return -1
}

// str is Kea's strFromStringstream: only \u00XX escapes (one byte each).
func (p *wireParser) str() (string, error) {
	c := p.get()
	p.pos++
	if c != '"' {
		return "", p.fail("String expected", p.pos)
	}
	c = p.get()
	p.pos++
	var sb []byte
	for c != eof && c != '"' {
		if c == '\\' {
			switch p.peek() {
			case '"':
				c = '"'
			case '/':
				c = '/'
			case '\\':
				c = '\\'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'u':
				p.off++
				p.pos++
				if p.peek() != '0' {
					return "", p.fail("Unsupported unicode escape", p.pos)
				}
				p.off++
				p.pos++
				if p.peek() != '0' {
					return "", p.fail("Unsupported unicode escape", p.pos-2)
				}
				p.off++
				p.pos++
				h := hexVal(p.peek())
				if h < 0 {
					return "", p.fail("Not hexadecimal in unicode escape", p.pos-3)
				}
				p.off++
				p.pos++
				l := hexVal(p.peek())
				if l < 0 {
					return "", p.fail("Not hexadecimal in unicode escape", p.pos-4)
				}
				c = h<<4 | l
			default:
				return "", p.fail("Bad escape", p.pos)
			}
			p.off++ // drop the escaped char
			p.pos++
		}
		sb = append(sb, byte(c))
		c = p.get()
		p.pos++
	}
	if c == eof {
		return "", p.fail("Unterminated string", p.pos)
	}
	return string(sb), nil
}

func (p *wireParser) list() (*Element, error) {
	l := &Element{kind: List, str: p.fromString, line: p.line, col: p.pos}
	p.skipWS()
	c := 0
	for c != eof && c != ']' {
		if p.peek() != ']' {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l.list = append(l.list, v)
			if c, err = p.skipTo(",]"); err != nil {
				return nil, err
			}
		} else {
			c = p.get()
			p.pos++
		}
	}
	return l, nil
}

func (p *wireParser) object() (*Element, error) {
	m := &Element{kind: Map, str: p.fromString, line: p.line, col: p.pos}
	p.skipWS()
	c := p.peek()
	switch c {
	case eof:
		return nil, p.fail("Unterminated map, <string> or } expected", p.pos)
	case '}':
		p.off++ // Kea ignores it without counting the column
		return m, nil
	}
	for c != eof && c != '}' {
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, err := p.skipTo(":"); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m.Set(key, v)
		if c, err = p.skipTo(",}"); err != nil {
			return nil, err
		}
	}
	return m, nil
}
