package klog

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
)

// appendMessage appends "ID text" with the arguments substituted exactly
// as Kea's Formatter does it: argument i replaces every "%i" (searching on
// after the inserted text, so "%1" also matches the start of "%10"), a
// missing placeholder appends " @@Missing placeholder %i for 'arg'@@", and
// a remaining "%n+1" after the last argument appends
// " @@Excess logger placeholders still exist@@".
// scratch is a work buffer for rendering one argument; it is returned for
// reuse.
func appendMessage(dst []byte, m *Message, args []any, scratch []byte) ([]byte, []byte) {
	start := len(dst)
	dst = append(dst, m.full...)
	var mark [8]byte
	for i, a := range args {
		scratch = appendArg(scratch[:0], a)
		mk := append(mark[:0], '%')
		mk = strconv.AppendInt(mk, int64(i+1), 10)
		pos := bytes.Index(dst[start:], mk)
		if pos < 0 {
			dst = append(dst, " @@Missing placeholder "...)
			dst = append(dst, mk...)
			dst = append(dst, " for '"...)
			dst = append(dst, scratch...)
			dst = append(dst, "'@@"...)
			continue
		}
		for pos >= 0 {
			dst = replaceAt(dst, start+pos, len(mk), scratch)
			from := pos + len(scratch)
			next := bytes.Index(dst[start+from:], mk)
			if next < 0 {
				break
			}
			pos = from + next
		}
	}
	mk := append(mark[:0], '%')
	mk = strconv.AppendInt(mk, int64(len(args)+1), 10)
	if bytes.Contains(dst[start:], mk) {
		dst = append(dst, " @@Excess logger placeholders still exist@@"...)
	}
	return dst, scratch
}

// replaceAt replaces b[at:at+n] by with.
func replaceAt(b []byte, at, n int, with []byte) []byte {
	d := len(with) - n
	switch {
	case d > 0:
		b = append(b, with[:d]...) // grow by d
		copy(b[at+len(with):], b[at+n:len(b)-d])
	case d < 0:
		copy(b[at+len(with):], b[at+n:])
		b = b[:len(b)+d]
	}
	copy(b[at:], with)
	return b
}

// appendArg renders one log argument the way the caller would write it
// into Kea's .arg(): strings as they are, integers in decimal, errors and
// Stringers by their text. Booleans render as true/false (Kea's
// lexical_cast would give 1/0; Kea's own messages pass "yes"/"no" or
// "true"/"false" strings, which callers should do too).
func appendArg(b []byte, a any) []byte {
	switch v := a.(type) {
	case string:
		return append(b, v...)
	case []byte:
		return append(b, v...)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case int16:
		return strconv.AppendInt(b, int64(v), 10)
	case int8:
		return strconv.AppendInt(b, int64(v), 10)
	case uint:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10)
	case netip.Addr:
		return v.AppendTo(b)
	case netip.Prefix:
		return v.AppendTo(b)
	case netip.AddrPort:
		return v.AppendTo(b)
	case bool:
		return strconv.AppendBool(b, v)
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case float32:
		return strconv.AppendFloat(b, float64(v), 'g', -1, 32)
	}
	// fmt calls Error/String and survives a nil receiver that panics.
	return fmt.Append(b, a)
}
