package kjson

import (
	"strconv"
	"strings"
)

// Pos locates an element or token in a configuration file. Line and Col
// are 1-based and count bytes, as Kea's lexer does; EndLine and EndCol are
// the position just past the last byte (zero when unknown, e.g. for
// elements built in code).
type Pos struct {
	File    string
	Line    int
	Col     int
	EndLine int
	EndCol  int
}

// IsZero reports whether p carries no position.
func (p Pos) IsZero() bool { return p.Line == 0 }

// String formats p as Kea's bison locations: "file:line.col", or with the
// last column of a range, "file:line.col-col" / "file:line.col-line.col".
func (p Pos) String() string {
	var b strings.Builder
	p.appendBison(&b)
	return b.String()
}

// ElementString formats p as Kea's Element::Position: "file:line:col".
func (p Pos) ElementString() string {
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

func (p Pos) appendBison(b *strings.Builder) {
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteByte(':')
	}
	b.WriteString(strconv.Itoa(p.Line))
	b.WriteByte('.')
	b.WriteString(strconv.Itoa(p.Col))
	if p.EndLine == 0 {
		return
	}
	endCol := p.EndCol - 1
	if endCol < 0 {
		endCol = 0
	}
	switch {
	case p.Line < p.EndLine:
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(p.EndLine))
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(endCol))
	case p.Col < endCol:
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(endCol))
	}
}

// PosStyle selects how an Error prints its position.
type PosStyle uint8

const (
	// BisonPos prints "file:line.col[-col]: msg", Kea's syntax errors.
	BisonPos PosStyle = iota
	// ElementPos prints "file:line:col: msg", Kea's duplicate-key and
	// semantic errors.
	ElementPos
	// NoPos prints only the message, as Kea does for errors raised outside
	// the grammar (unclosed comment, include failures); Pos still says where.
	NoPos
)

// Error is a configuration reading error. Error() formats it exactly as
// Kea 2.2 does where the two can be compared.
type Error struct {
	Pos
	Msg string
	// Near is Kea's "(near N)" hint: the 1-based byte offset of the bad
	// character inside a string token. Zero means no hint.
	Near  int
	Style PosStyle
	// Err is an underlying cause (e.g. from opening a file), for errors.Is.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	switch e.Style {
	case NoPos:
		return e.Msg
	case ElementPos:
		b.WriteString(e.Pos.ElementString())
	default:
		e.Pos.appendBison(&b)
	}
	if e.Near > 0 {
		b.WriteString(" (near ")
		b.WriteString(strconv.Itoa(e.Near))
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Warning is a problem Kea tolerates, such as an extraneous comma.
type Warning struct {
	Pos
	Msg string
}

// ExtraneousComma is Kea's warning text for a tolerated extra comma.
const ExtraneousComma = "Extraneous comma. A piece of configuration may have been omitted."

// String formats w as Kea logs it after "configuration syntax warning: ".
func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }
