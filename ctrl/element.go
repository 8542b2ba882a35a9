package ctrl

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/nestordhcp/nestor/config/kjson"
)

// Kind is the JSON type of an Element, named as Kea's Element::types.
type Kind uint8

// The element kinds.
const (
	Null Kind = iota
	Bool
	Int
	Real
	String
	List
	Map
)

// Element is one value of a command as Kea's Element::fromWire reads it:
// maps keep one value per key (the last one) in key order, strings are byte
// strings, and every element knows where it was read ("<wire>:line:col",
// with Kea's counting: the first line is 0, the first column after a line
// break is 1). Handlers use the accessors, which fail with Kea's texts.
type Element struct {
	kind Kind
	str  bool // read by fromJSON(string) (HTTP bodies): "<string>"
	line int
	col  int

	b    bool
	i    int64
	f    float64
	s    string // string value, or the literal of an integer beyond int64
	big  bool   // integer kept as its literal (answers only)
	list []*Element
	keys []string // sorted
	vals []*Element
}

// TypeError is Kea's isc::data::TypeError: an accessor used on an element
// of another kind. Its text names the element's position.
type TypeError struct {
	Msg string
	Pos string
}

func (e *TypeError) Error() string { return e.Msg + " in (" + e.Pos + ")" }

// NewString returns a string element (for building answers).
func NewString(s string) *Element { return &Element{kind: String, s: s} }

// NewInt returns an integer element.
func NewInt(i int64) *Element { return &Element{kind: Int, i: i} }

// NewMap returns an empty map element.
func NewMap() *Element { return &Element{kind: Map} }

// NewList returns a list element.
func NewList(items ...*Element) *Element { return &Element{kind: List, list: items} }

// Kind returns the element's kind; a nil element is Null.
func (e *Element) Kind() Kind {
	if e == nil {
		return Null
	}
	return e.kind
}

// Pos returns the element's position as Kea prints it: "<wire>:0:12".
func (e *Element) Pos() string {
	file := "<wire>:"
	if e == nil {
		return file + "0:0"
	}
	if e.str {
		file = "<string>:"
	}
	return file + strconv.Itoa(e.line) + ":" + strconv.Itoa(e.col)
}

func (e *Element) typeError(msg string) error { return &TypeError{Msg: msg, Pos: e.Pos()} }

// Get returns the value of key (nil when absent). On a non-map it fails as
// Kea's get(string).
func (e *Element) Get(key string) (*Element, error) {
	if e.Kind() != Map {
		return nil, e.typeError("get(string) called on a non-map Element")
	}
	i, ok := slices.BinarySearch(e.keys, key)
	if !ok {
		return nil, nil
	}
	return e.vals[i], nil
}

// Set stores v under key in a map element, replacing an existing value.
func (e *Element) Set(key string, v *Element) {
	if e.Kind() != Map {
		return
	}
	i, ok := slices.BinarySearch(e.keys, key)
	if ok {
		e.vals[i] = v
		return
	}
	e.keys = slices.Insert(e.keys, i, key)
	e.vals = slices.Insert(e.vals, i, v)
}

// Keys returns a map's keys in Kea's order (bytewise).
func (e *Element) Keys() []string {
	if e.Kind() != Map {
		return nil
	}
	return slices.Clone(e.keys)
}

// Items returns a list's items.
func (e *Element) Items() []*Element {
	if e.Kind() != List {
		return nil
	}
	return e.list
}

// Len returns the number of items or entries.
func (e *Element) Len() int {
	switch e.Kind() {
	case List:
		return len(e.list)
	case Map:
		return len(e.keys)
	}
	return 0
}

// IntValue returns an integer, or Kea's TypeError.
func (e *Element) IntValue() (int64, error) {
	if e.Kind() != Int || e.big {
		return 0, e.typeError("intValue() called on non-integer Element")
	}
	return e.i, nil
}

// DoubleValue returns a real, or Kea's TypeError.
func (e *Element) DoubleValue() (float64, error) {
	if e.Kind() != Real {
		return 0, e.typeError("doubleValue() called on non-double Element")
	}
	return e.f, nil
}

// BoolValue returns a boolean, or Kea's TypeError.
func (e *Element) BoolValue() (bool, error) {
	if e.Kind() != Bool {
		return false, e.typeError("boolValue() called on non-Bool Element")
	}
	return e.b, nil
}

// StringValue returns a string, or Kea's TypeError.
func (e *Element) StringValue() (string, error) {
	if e.Kind() != String {
		return "", e.typeError("stringValue() called on non-string Element")
	}
	return e.s, nil
}

// AppendKea appends the element in Kea's compact style (Element::str()):
// "{ "a": [ 1, 2 ] }", keys sorted, strings escaped byte by byte.
func (e *Element) AppendKea(dst []byte) []byte {
	switch e.Kind() {
	case Null:
		return append(dst, "null"...)
	case Bool:
		return strconv.AppendBool(dst, e.b)
	case Int:
		if e.big {
			return append(dst, e.s...)
		}
		return strconv.AppendInt(dst, e.i, 10)
	case Real:
		return append(dst, kjson.FormatReal(e.f)...)
	case String:
		return AppendKeaString(dst, e.s)
	case List:
		dst = append(dst, "[ "...)
		for i, it := range e.list {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = it.AppendKea(dst)
		}
		return append(dst, " ]"...)
	case Map:
		dst = append(dst, "{ "...)
		for i, k := range e.keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendKeaString(dst, k)
			dst = append(dst, ": "...)
			dst = e.vals[i].AppendKea(dst)
		}
		return append(dst, " }"...)
	}
	return dst
}

// String returns the Kea compact form.
func (e *Element) String() string { return string(e.AppendKea(nil)) }

// MarshalJSON writes the element as standard JSON for encoding/json users:
// strings as UTF-8 (invalid bytes become U+FFFD), reals as Kea prints them.
func (e *Element) MarshalJSON() ([]byte, error) { return e.appendStd(nil), nil }

func (e *Element) appendStd(dst []byte) []byte {
	switch e.Kind() {
	case String:
		b, _ := json.Marshal(e.s)
		return append(dst, b...)
	case List:
		dst = append(dst, '[')
		for i, it := range e.list {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = it.appendStd(dst)
		}
		return append(dst, ']')
	case Map:
		dst = append(dst, '{')
		for i, k := range e.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			b, _ := json.Marshal(k)
			dst = append(dst, b...)
			dst = append(dst, ':')
			dst = e.vals[i].appendStd(dst)
		}
		return append(dst, '}')
	}
	return e.AppendKea(dst)
}

const hexDigits = "0123456789abcdef"

// AppendKeaString appends s quoted as Kea's StringElement::toJSON does:
// the usual short escapes, '/' left alone, and every other byte below 0x20
// or from 0x7f up as \u00XX, one escape per byte.
func AppendKeaString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
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
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
