package kjson

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// errNonFinite is returned when a tree holds a NaN or infinite real, which
// JSON cannot express (Kea would print "nan" or "inf").
var errNonFinite = errors.New("kjson: real value is not finite")

// MarshalJSON writes e in Kea's compact style (Element::str(), as in
// command responses): "{ "a": 1, "b": [ 1, 2 ] }", keys in stored order.
func (e *Element) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	err := writeCompact(w, e)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// String returns the compact form; a tree with a non-finite real prints
// Kea's "nan"/"inf" there.
func (e *Element) String() string {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	_ = writeCompact(w, e)
	_ = w.Flush()
	return b.String()
}

// PrettyPrint writes e as Kea's prettyPrint does (config-write uses a step
// of 2): maps one key per line, lists of scalars on one line, lists whose
// first item is a map or list one item per line, "{ }" and "[ ]" when empty.
// Keys come in stored order (see SortKeys). No newline is written at the end.
func (e *Element) PrettyPrint(w io.Writer, step int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	err := writePretty(bw, e, 0, step)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func writeScalar(w *bufio.Writer, e *Element) error {
	var tmp [32]byte
	switch e.Kind() {
	case Null:
		w.WriteString("null")
	case Bool:
		if e.b {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case Int:
		w.Write(strconv.AppendInt(tmp[:0], int64(e.num), 10))
	case Real:
		f := math.Float64frombits(e.num)
		w.WriteString(FormatReal(f))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errNonFinite
		}
	case String:
		writeQuoted(w, e.str)
	}
	return nil
}

func writeCompact(w *bufio.Writer, e *Element) error {
	switch e.Kind() {
	case List:
		w.WriteString("[ ")
		var err error
		for i, it := range e.list {
			if i > 0 {
				w.WriteString(", ")
			}
			if werr := writeCompact(w, it); err == nil {
				err = werr
			}
		}
		w.WriteString(" ]")
		return err
	case Map:
		w.WriteString("{ ")
		var err error
		for i, en := range e.m.entries {
			if i > 0 {
				w.WriteString(", ")
			}
			writeQuoted(w, en.Key)
			w.WriteString(": ")
			if werr := writeCompact(w, en.Value); err == nil {
				err = werr
			}
		}
		w.WriteString(" }")
		return err
	}
	return writeScalar(w, e)
}

func writeIndent(w *bufio.Writer, n int) {
	for ; n > 0; n-- {
		w.WriteByte(' ')
	}
}

func writePretty(w *bufio.Writer, e *Element, indent, step int) error {
	var err error
	keep := func(werr error) {
		if err == nil {
			err = werr
		}
	}
	switch e.Kind() {
	case List:
		if len(e.list) == 0 {
			w.WriteString("[ ]")
			return nil
		}
		k := e.list[0].Kind()
		complexList := k == List || k == Map
		if complexList {
			w.WriteString("[\n")
		} else {
			w.WriteString("[ ")
		}
		for i, it := range e.list {
			if i > 0 {
				if complexList {
					w.WriteString(",\n")
				} else {
					w.WriteString(", ")
				}
			}
			if complexList {
				writeIndent(w, indent+step)
			}
			keep(writePretty(w, it, indent+step, step))
		}
		if complexList {
			w.WriteByte('\n')
			writeIndent(w, indent)
		} else {
			w.WriteByte(' ')
		}
		w.WriteByte(']')
		return err
	case Map:
		if len(e.m.entries) == 0 {
			w.WriteString("{ }")
			return nil
		}
		w.WriteString("{\n")
		for i, en := range e.m.entries {
			if i > 0 {
				w.WriteString(",\n")
			}
			writeIndent(w, indent+step)
			writeQuoted(w, en.Key)
			w.WriteString(": ")
			keep(writePretty(w, en.Value, indent+step, step))
		}
		w.WriteByte('\n')
		writeIndent(w, indent)
		w.WriteByte('}')
		return err
	}
	return writeScalar(w, e)
}

const hexDigits = "0123456789abcdef"

// writeQuoted writes s as Kea's StringElement::toJSON does: the usual
// short escapes, and every other byte below 0x20 or from 0x7f up as
// \u00XX, byte by byte (so UTF-8 text comes out as one escape per byte and
// reads back to the same bytes). Unlike Kea, map keys are escaped too.
func writeQuoted(w *bufio.Writer, s string) {
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			continue
		}
		w.WriteString(s[start:i])
		start = i + 1
		switch c {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\b':
			w.WriteString(`\b`)
		case '\f':
			w.WriteString(`\f`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&0xf])
		}
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}

// FormatReal formats a real as Kea 2.2 does (C++ stream default precision
// 6, then ".0" appended when the result has no '.': 0.5, 3.0, 0.123457)
// whenever that text reads back as the same real. Otherwise (more than six
// significant digits, or Kea's invalid "1e+20.0") it uses the shortest
// text that reads back exactly, still marked as a real: 0.1234567, 1e+20.
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', 6, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	if g, err := strconv.ParseFloat(s, 64); err == nil && g == f {
		return s
	}
	s = strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
