package csv

import "strings"

// escapeTag starts an escaped character: "&#x" and two hex digits.
const escapeTag = "&#x"

// needsEscape reports the characters Nestor escapes in free-text columns
// (hostname, user_context). Kea 2.x escapes ',' and '&'; control
// characters are escaped too (as Kea 3.x does) because a raw newline
// would split the row. Kea 2.x unescapes any &#xHH, so it reads all of them.
func needsEscape(c byte) bool {
	return c == ',' || c == '&' || c < 0x20 || c == 0x7f
}

// appendEscaped appends s to dst with Kea's escaping.
func appendEscaped(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			dst = append(dst, escapeTag...)
			dst = append(dst, hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// Escape returns s escaped as Kea writes hostname and user_context columns.
func Escape(s string) string { return string(appendEscaped(nil, s)) }

// Unescape undoes Escape. Like Kea, an "&#x" not followed by two hex
// digits is kept as it is.
func Unescape(s string) string {
	if !strings.Contains(s, escapeTag) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, escapeTag)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+len(escapeTag):]
		if len(s) >= 2 {
			hi, ok1 := unhex(s[0])
			lo, ok2 := unhex(s[1])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				s = s[2:]
				continue
			}
		}
		b.WriteString(escapeTag)
	}
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
