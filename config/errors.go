package config

import "fmt"

// ErrorKind tells the two families of Kea configuration errors apart: the
// ones Kea's bison grammar reports (unknown keyword, wrong type, missing
// parameter; printed "Syntax check failed with: ...") and the ones its
// configuration parsers report afterwards ("Error encountered: ...").
type ErrorKind uint8

const (
	// SyntaxError: reading the file or checking it against the grammar.
	SyntaxError ErrorKind = iota
	// ConfigError: a value or combination of values Kea refuses.
	ConfigError
)

// Error is a configuration error with the place it comes from. Its Error
// method formats it as Kea prints it, so a Kea operator's log searches and
// a test comparing with kea-dhcp4 -t keep working.
type Error struct {
	Kind ErrorKind
	Msg  string
	// Span: the token, for syntax errors located the bison way
	// ("file:1.11-15: msg").
	Span Span
	// Pos: the element, for configuration errors ("msg (file:1:22)"). For
	// a missing parameter, Pos is the map's key and Map the map's extent.
	Pos Pos
	Map *Span
	// MapName is the context of a missing parameter ("subnet4").
	MapName string
	// AtPos prints a syntax error as "file:line:col: msg" (Kea's
	// duplicate-key message) instead of the bison span.
	AtPos bool
	// Notes explain the error further (one line each): for hook
	// libraries, why each one failed.
	Notes []string
}

func (e *Error) Error() string {
	if e.Map != nil {
		return fmt.Sprintf("%s (%s) [%s map between %s and %s]", e.Msg, e.Pos, e.MapName, e.Map.Start, e.Map.End)
	}
	if e.AtPos {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	if e.Kind == SyntaxError && e.Span.Start.IsSet() {
		return fmt.Sprintf("%s: %s", e.Span, e.Msg)
	}
	if e.Pos.IsSet() {
		return fmt.Sprintf("%s (%s)", e.Msg, e.Pos)
	}
	return e.Msg
}

// syntaxErr builds a grammar error located at a token.
func syntaxErr(at Span, format string, args ...any) *Error {
	return &Error{Kind: SyntaxError, Span: at, Msg: fmt.Sprintf(format, args...)}
}

// cfgErr builds a configuration error located at an element.
func cfgErr(at Pos, format string, args ...any) *Error {
	return &Error{Kind: ConfigError, Pos: at, Msg: fmt.Sprintf(format, args...)}
}

// Warning is something Kea logs while accepting a configuration: a
// deprecated parameter, an auto-assigned subnet id, an extra comma.
type Warning struct {
	// ID is Kea's message identifier (DHCP4_CONFIG_SYNTAX_WARNING, ...).
	ID  string
	Msg string
	Pos Pos
}

func (w Warning) String() string {
	if w.Pos.IsSet() {
		return fmt.Sprintf("%s %s (%s)", w.ID, w.Msg, w.Pos)
	}
	return w.ID + " " + w.Msg
}
