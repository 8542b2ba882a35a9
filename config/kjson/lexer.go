package kjson

import (
	"strconv"
)

// tokKind is a token of Kea's JSON grammar.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tComma
	tColon
	tString
	tInt
	tReal
	tBool
	tNull
)

// tokNames are bison's names for the tokens, as printed after "unexpected"
// (bison strips the quotes except around ",").
var tokNames = [...]string{
	tEOF:      "end of file",
	tLBrace:   "{",
	tRBrace:   "}",
	tLBracket: "[",
	tRBracket: "]",
	tComma:    `","`,
	tColon:    ":",
	tString:   "constant string",
	tInt:      "integer",
	tReal:     "floating point",
	tBool:     "boolean",
	tNull:     "null",
}

type token struct {
	kind tokKind
	pos  Pos
	str  string
	num  uint64 // int64 or float64 bits
	b    bool
}

// Lexer start conditions, as in Kea's flex scanner.
const (
	stInitial = iota
	stComment
	stDirEnter
	stDirInclude
	stDirExit
)

// buffer is one file being scanned; includes push the current one.
type buffer struct {
	src  string
	off  int
	file string
	id   fileID
	// where the last <? started, for "Directive not closed."
	dirLine, dirCol int
	// the includer's location, saved here while an include is scanned.
	sbl, sbc, sel, sec int
}

// lexer reproduces Kea's flex scanner, including how it tracks locations:
// a token's begin is reset ("stepped") when the scanner is entered and by
// blanks and newlines, but not by comments or directives, so a token glued
// to a preceding comment starts where the comment started, as in Kea.
type lexer struct {
	buffer
	stack       []buffer
	state       int
	commentLine int
	bl, bc      int // begin
	el, ec      int // end
	inc         *includer
}

func (l *lexer) loc() Pos {
	return Pos{File: l.file, Line: l.bl, Col: l.bc, EndLine: l.el, EndCol: l.ec}
}

func (l *lexer) step() { l.bl, l.bc = l.el, l.ec }

func (l *lexer) errAt(msg string, near int) *Error {
	return &Error{Pos: l.loc(), Msg: msg, Near: near}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// blanksAndNewlines consumes the <*> rules common to every start
// condition; it reports whether it consumed anything.
func (l *lexer) blanksAndNewlines() bool {
	c := l.src[l.off]
	if c == '\n' {
		n := 0
		for l.off < len(l.src) && l.src[l.off] == '\n' {
			l.off++
			n++
		}
		l.el += n
		l.ec = 1
		l.step()
		return true
	}
	if isBlank(c) {
		n := 0
		for l.off < len(l.src) && isBlank(l.src[l.off]) {
			l.off++
			n++
		}
		// In a comment a lone blank is eaten by <COMMENT>. (listed first),
		// which does not step.
		l.ec += n
		if l.state != stComment || n > 1 {
			l.step()
		}
		return true
	}
	return false
}

func (l *lexer) invalidChar() *Error {
	c := l.src[l.off]
	l.off++
	l.ec++
	msg := "Invalid character: "
	if c != 0 { // Kea prints the byte as a C string
		msg += string([]byte{c})
	}
	return l.errAt(msg, 0)
}

// next returns the next token.
func (l *lexer) next() (token, *Error) {
	l.step()
	for {
		if l.off >= len(l.src) {
			switch l.state {
			case stComment:
				return token{}, &Error{Pos: l.loc(), Style: NoPos,
					Msg: "Comment not closed. (/* in line " + strconv.Itoa(l.commentLine)}
			case stDirEnter, stDirInclude, stDirExit:
				return token{}, &Error{Pos: Pos{File: l.file, Line: l.dirLine, Col: l.dirCol},
					Style: NoPos, Msg: "Directive not closed."}
			}
			if len(l.stack) == 0 {
				return token{kind: tEOF, pos: l.loc()}, nil
			}
			l.popInclude()
			continue
		}
		if l.blanksAndNewlines() {
			continue
		}
		c := l.src[l.off]
		switch l.state {
		case stComment:
			if c == '*' && l.off+1 < len(l.src) && l.src[l.off+1] == '/' {
				l.off += 2
				l.ec += 2
				l.state = stInitial
			} else {
				l.off++
				l.ec++
			}
			continue
		case stDirEnter:
			if hasPrefixAt(l.src, l.off, "include") {
				l.off += 7
				l.ec += 7
				l.state = stDirInclude
				continue
			}
			return token{}, l.invalidChar()
		case stDirInclude:
			if c == '"' {
				end := l.off + 1
				for end < len(l.src) && l.src[end] != '"' && l.src[end] != '\n' {
					end++
				}
				if end < len(l.src) && l.src[end] == '"' && end > l.off+1 {
					name := l.src[l.off+1 : end]
					n := end + 1 - l.off
					l.off += n
					l.ec += n
					if err := l.pushInclude(name); err != nil {
						return token{}, err
					}
					continue
				}
			}
			return token{}, l.invalidChar()
		case stDirExit:
			if c == '?' && l.off+1 < len(l.src) && l.src[l.off+1] == '>' {
				l.off += 2
				l.ec += 2
				l.state = stInitial
				continue
			}
			return token{}, l.invalidChar()
		}
		// stInitial
		switch c {
		case '#':
			l.skipLine()
			continue
		case '/':
			if l.off+1 < len(l.src) {
				switch l.src[l.off+1] {
				case '/':
					l.skipLine()
					continue
				case '*':
					l.commentLine = l.el
					l.off += 2
					l.ec += 2
					l.state = stComment
					continue
				}
			}
			return token{}, l.invalidChar()
		case '<':
			if l.off+1 < len(l.src) && l.src[l.off+1] == '?' {
				l.dirLine, l.dirCol = l.el, l.ec
				l.off += 2
				l.ec += 2
				l.state = stDirEnter
				continue
			}
			return token{}, l.invalidChar()
		case '"':
			return l.lexString()
		case '{':
			return l.punct(tLBrace), nil
		case '}':
			return l.punct(tRBrace), nil
		case '[':
			return l.punct(tLBracket), nil
		case ']':
			return l.punct(tRBracket), nil
		case ',':
			return l.punct(tComma), nil
		case ':':
			return l.punct(tColon), nil
		}
		if t, err, ok := l.lexNumber(); ok {
			return t, err
		}
		if t, err, ok := l.lexWord(); ok {
			return t, err
		}
		return token{}, l.invalidChar()
	}
}

func hasPrefixAt(s string, off int, p string) bool {
	return len(s)-off >= len(p) && s[off:off+len(p)] == p
}

func (l *lexer) skipLine() {
	n := 0
	for l.off+n < len(l.src) && l.src[l.off+n] != '\n' {
		n++
	}
	l.off += n
	l.ec += n
}

func (l *lexer) punct(k tokKind) token {
	l.off++
	l.ec++
	return token{kind: k, pos: l.loc()}
}

// take consumes n bytes as the current token and returns its text.
func (l *lexer) take(n int) string {
	s := l.src[l.off : l.off+n]
	l.off += n
	l.ec += n
	return s
}

// lexNumber matches Kea's integer rule -?[0-9]+ and its floating point
// rule [-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)? with flex's longest match
// (the integer rule wins a tie).
func (l *lexer) lexNumber() (token, *Error, bool) {
	s, o := l.src, l.off
	intLen := 0
	i := o
	if i < len(s) && s[i] == '-' {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j > i {
		intLen = j - o
	}
	i = o
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	floatLen := i - o
	switch {
	case intLen > 0 && intLen >= floatLen:
		text := l.take(intLen)
		v, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return token{}, l.errAt("Failed to convert "+text+" to an integer.", 0), true
		}
		return token{kind: tInt, pos: l.loc(), num: uint64(v)}, nil, true
	case floatLen > 0:
		text := l.take(floatLen)
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return token{}, l.errAt("Failed to convert "+text+" to a floating point.", 0), true
		}
		return token{kind: tReal, pos: l.loc(), num: realBits(v)}, nil, true
	}
	return token{}, nil, false
}

// lexWord matches true, false and null, and Kea's errors for other cases.
func (l *lexer) lexWord() (token, *Error, bool) {
	for _, w := range [...]string{"true", "false", "null"} {
		if hasPrefixAt(l.src, l.off, w) {
			l.take(len(w))
			if w == "null" {
				return token{kind: tNull, pos: l.loc()}, nil, true
			}
			return token{kind: tBool, pos: l.loc(), b: w == "true"}, nil, true
		}
	}
	for _, w := range [...]string{"true", "false", "null"} {
		if len(l.src)-l.off >= len(w) && equalFold(l.src[l.off:l.off+len(w)], w) {
			l.take(len(w))
			return token{}, l.errAt("JSON "+w+" reserved keyword is lower case only", 0), true
		}
	}
	return token{}, nil, false
}

func equalFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
