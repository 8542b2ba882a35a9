package csv

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"unicode/utf8"
)

// errNotMap is returned for a user context that is not a JSON object.
var errNotMap = errors.New("not a JSON map")

// appendKeaJSON appends the JSON value raw in the layout Kea's
// Element::str() produces ({ "a": 1, "b": [ 2, 3 ] }, keys sorted), so
// that files Nestor writes match Kea's byte for byte. raw must be an object.
func appendKeaJSON(dst []byte, raw json.RawMessage) ([]byte, error) {
	if !utf8.Valid(raw) {
		return dst, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return dst, err
	}
	if dec.More() {
		return dst, errors.New("trailing data after JSON value")
	}
	if _, ok := v.(map[string]any); !ok {
		return dst, errNotMap
	}
	return appendKeaValue(dst, v), nil
}

func appendKeaValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case json.Number:
		return append(dst, x...)
	case string:
		return appendKeaString(dst, x)
	case []any:
		dst = append(dst, "[ "...)
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendKeaValue(dst, e)
		}
		return append(dst, " ]"...)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, "{ "...)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendKeaString(dst, k)
			dst = append(dst, ": "...)
			dst = appendKeaValue(dst, x[k])
		}
		return append(dst, " }"...)
	}
	return append(dst, "null"...) // not reached: encoding/json yields only the types above
}

// appendKeaString quotes s as Kea's StringElement does: the JSON short
// escapes, \u00XX for other control characters, other bytes as they are.
func appendKeaString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c < 0x20 || c == 0x7f {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}

// parseUserContext checks that s is a JSON object and returns its compact
// form. Text that is not UTF-8 is refused: encoding/json would replace
// the bad bytes, so the lease could not be written back as it was read.
func parseUserContext(s string) (json.RawMessage, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("not valid UTF-8")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotMap
	}
	return json.RawMessage(b), nil
}
