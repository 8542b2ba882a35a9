package kjson

import (
	"math"
	"strings"
)

func realBits(f float64) uint64 { return math.Float64bits(f) }

// lexString matches a string at l.off the way Kea's flex rules do: the
// valid JSON string rule and four error rules (control character, bad
// escape, escape at the end, short \u escape at the end) compete for the
// longest match, earlier rules winning ties; when none matches the quote
// itself is an invalid character.
func (l *lexer) lexString() (token, *Error) {
	s, o := l.src, l.off
	var validEnd, ctrlEnd, badEnd, overEnd, uniEnd int
	escapes := false
	i := o + 1
scan:
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			validEnd = i + 1
			break scan
		case c == '\\':
			if i+1 >= len(s) {
				break scan
			}
			switch d := s[i+1]; d {
			case '"':
				overEnd = i + 2 // "...\" may end the longest error match
				fallthrough
			case '\\', '/', 'b', 'f', 'n', 'r', 't':
				escapes = true
				i += 2
				continue
			case 'u':
				k := 0
				for k < 4 && i+2+k < len(s) && isHex(s[i+2+k]) {
					k++
				}
				if k == 4 {
					escapes = true
					i += 6
					continue
				}
				j := i + 2 + k
				if j < len(s) {
					if s[j] == '"' {
						uniEnd = j + 1
					} else if q := strings.IndexByte(s[j+1:], '"'); q >= 0 {
						badEnd = j + 1 + q + 1
					}
				}
				break scan
			default:
				if q := strings.IndexByte(s[i+2:], '"'); q >= 0 {
					badEnd = i + 2 + q + 1
				}
				break scan
			}
		case c < 0x20:
			for j := i + 1; j < len(s); {
				d := s[j]
				if d == '"' {
					ctrlEnd = j + 1
					break
				}
				if d == '\\' {
					if j+1 < len(s) && strings.IndexByte(`"\/bfnrtu`, s[j+1]) >= 0 {
						j += 2
						continue
					}
					break
				}
				j++
			}
			break scan
		}
		i++
	}
	best, rule := 0, -1
	for r, end := range [...]int{validEnd, ctrlEnd, badEnd, overEnd, uniEnd} {
		if end > best {
			best, rule = end, r
		}
	}
	if rule < 0 {
		return token{}, l.invalidChar()
	}
	text := l.take(best - o)
	if rule > 0 {
		return token{}, l.stringError(rule, text)
	}
	raw := text[1 : len(text)-1]
	if !escapes {
		return token{kind: tString, pos: l.loc(), str: raw}, nil
	}
	return l.decodeString(raw)
}

// stringError builds the error of string rule 1 to 4 for the matched
// text. Kea builds its messages and "(near N)" hints from the text as a C
// string, so everything from a NUL byte on is dropped first.
func (l *lexer) stringError(rule int, text string) *Error {
	if i := strings.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	raw := text[1:]
	switch rule {
	case 1:
		pos := 0
		for ; pos < len(raw)-1 && raw[pos] >= 0x20; pos++ {
		}
		return l.errAt("Invalid control in "+text, pos+1)
	case 2:
		msg := "Bad escape in " + text
		if len(raw) >= 2 && raw[len(raw)-2] == '\\' {
			msg += "..."
		}
		return l.errAt(msg, badEscapeNear(raw))
	case 3:
		return l.errAt("Overflow escape in "+text, len(text))
	}
	p := len(raw) - 1
	for ; p > 0 && raw[p] != 'u'; p-- {
	}
	return l.errAt("Overflow unicode escape in "+text, p+1)
}

// badEscapeNear reproduces Kea's "(near N)" for a bad escape: raw is the
// token without its opening quote.
func badEscapeNear(raw string) int {
	n := len(raw) - 1
	pos, found := 0, false
	for ; pos < n; pos++ {
		if found {
			break
		}
		if raw[pos] != '\\' {
			continue
		}
		pos++
		if pos >= len(raw) {
			break
		}
		switch raw[pos] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if pos+4 > n || !isHex(raw[pos+1]) || !isHex(raw[pos+2]) ||
				!isHex(raw[pos+3]) || !isHex(raw[pos+4]) {
				found = true
			}
		default:
			found = true
		}
	}
	return pos
}

// decodeString resolves the escapes of a valid string token. Kea supports
// \u0000 to \u00ff only, each giving one byte.
func (l *lexer) decodeString(raw string) (token, *Error) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if raw[i+1] != '0' || raw[i+2] != '0' {
				return token{}, l.errAt("Unsupported unicode escape in \""+raw+"\"", i+2)
			}
			b = append(b, unhex(raw[i+3])<<4|unhex(raw[i+4]))
			i += 4
		default: // '"', '\\', '/'
			b = append(b, raw[i])
		}
	}
	return token{kind: tString, pos: l.loc(), str: string(b)}, nil
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
