package eval

import (
	"errors"
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/option"
)

// Kind is what an expression yields: a boolean ("test") or a string
// ("template-test", flex-id's identifier-expression, flex-option's values).
type Kind uint8

const (
	Bool Kind = iota + 1
	String
)

// Expr is a compiled expression. It is immutable and safe for concurrent
// use; each goroutine evaluates it with its own Context.
type Expr struct {
	src      string
	universe option.Universe
	kind     Kind
	b        boolExpr
	s        strExpr
	members  []string
}

// Source returns the expression text as given.
func (e *Expr) Source() string { return e.src }

// Kind returns Bool or String.
func (e *Expr) Kind() Kind { return e.kind }

// Universe returns option.V4 or option.V6.
func (e *Expr) Universe() option.Universe { return e.universe }

// Members returns the client classes the expression tests with member(),
// known or unknown ("KNOWN" for both of the latter), in order of first
// appearance. A configuration loader uses it for Kea's dependency rules:
// a class whose test depends, directly or through other classes, on KNOWN
// or UNKNOWN is evaluated after the host reservation lookup.
func (e *Expr) Members() []string { return e.members }

// DependsOn reports whether the expression tests membership of class.
func (e *Expr) DependsOn(class string) bool {
	for _, m := range e.members {
		if m == class {
			return true
		}
	}
	return false
}

// Scratch is the per-goroutine memory evaluation builds string results
// in. It is embedded in Context4 and Context6; the zero value is ready.
type Scratch struct {
	buf []byte
	err error
	c4  *Context4
	c6  *Context6
}

// Context4 is what a DHCPv4 expression reads. A server fills one per
// worker and reuses it for every packet, so that its scratch memory is
// reused too.
type Context4 struct {
	// Pkt is the query. Must not be nil.
	Pkt *dhcp4.Packet
	// Iface is the name of the interface the query came in on (pkt.iface).
	Iface string
	// Src and Dst are the query's IP source and destination (pkt.src,
	// pkt.dst). An invalid address reads as 0.0.0.0.
	Src, Dst netip.Addr
	// Len is pkt.len. When zero, Pkt.Len() is used (Kea's Pkt4::len: the
	// size of the packet as it would be packed).
	Len int
	// Member reports whether the query belongs to a client class (member(),
	// known, unknown). nil means no class.
	Member func(class string) bool
	// Defs are the option definitions the query's options are read with
	// for .text and sub-options: the standard set plus the configuration's
	// option-def entries. nil means the expression's compile-time set.
	Defs *option.DefSet
	// DeferredUnpacked tells that option 43 and the private options
	// (224-254) have been decoded with their definitions, which Kea does
	// after the first classification pass (classification step 4). Until
	// then, as in Kea, option[43].option[n] finds nothing and .text of
	// those options is the undecoded form.
	DeferredUnpacked bool
	Scratch
}

// Context6 is what a DHCPv6 expression reads; see Context4.
type Context6 struct {
	// Pkt is the query, with its relay levels. Must not be nil.
	Pkt *dhcp6.Packet
	// Iface, Src and Dst are pkt.iface, pkt.src and pkt.dst. An invalid
	// address reads as ::.
	Iface    string
	Src, Dst netip.Addr
	// Len is pkt.len. When zero, len(Pkt.Raw) is used.
	Len    int
	Member func(class string) bool
	Defs   *option.DefSet
	Scratch
}

// Context is a *Context4 or a *Context6.
type Context interface {
	scratch() *Scratch
}

func (c *Context4) scratch() *Scratch { c.Scratch.c4, c.Scratch.c6 = c, nil; return &c.Scratch }
func (c *Context6) scratch() *Scratch { c.Scratch.c6, c.Scratch.c4 = c, nil; return &c.Scratch }

var (
	errUniverse = errors.New("eval: expression and packet are of different DHCP versions")
	errNoPacket = errors.New("eval: no packet in the context")
	trueVal     = []byte("true")
	falseVal    = []byte("false")
)

func (e *Expr) begin(ctx Context) (*Scratch, error) {
	s := ctx.scratch()
	s.buf = s.buf[:0]
	s.err = nil
	switch {
	case s.c4 != nil:
		if e.universe != option.V4 {
			return nil, errUniverse
		}
		if s.c4.Pkt == nil {
			return nil, errNoPacket
		}
	case s.c6 != nil:
		if e.universe != option.V6 {
			return nil, errUniverse
		}
		if s.c6.Pkt == nil {
			return nil, errNoPacket
		}
	}
	return s, nil
}

// EvalBool evaluates the expression as a "test". A Bool expression gives
// its value; a String expression is true when it evaluates to "true" and
// false when it evaluates to "false", and any other value is an error,
// as in Kea's evaluateBool.
func (e *Expr) EvalBool(ctx Context) (bool, error) {
	s, err := e.begin(ctx)
	if err != nil {
		return false, err
	}
	if e.b != nil {
		v := e.b.evalBool(s)
		return v, s.err
	}
	v := e.s.evalStr(s)
	if s.err != nil {
		return false, s.err
	}
	switch string(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &EvalError{Msg: "Incorrect boolean. Expected exactly 'false' or 'true', got '" + string(v) + "'"}
}

// EvalString evaluates the expression for its string value. A Bool
// expression gives "true" or "false". The result is valid until the next
// evaluation with the same context (it may alias the context's scratch
// memory or the packet); copy it to keep it.
func (e *Expr) EvalString(ctx Context) ([]byte, error) {
	s, err := e.begin(ctx)
	if err != nil {
		return nil, err
	}
	if e.b != nil {
		if e.b.evalBool(s) {
			return trueVal, s.err
		}
		return falseVal, s.err
	}
	v := e.s.evalStr(s)
	if s.err != nil {
		return nil, s.err
	}
	return v, nil
}

// EvalError is a run-time error: a conversion given a value of the wrong
// size, or a substring or split position that is not a 32-bit integer.
// Kea logs it and leaves the packet out of the class.
type EvalError struct{ Msg string }

func (e *EvalError) Error() string { return "eval: " + e.Msg }

func (s *Scratch) fail(msg string) {
	if s.err == nil {
		s.err = &EvalError{Msg: msg}
	}
}

// alloc returns n bytes of scratch memory. Earlier results stay valid: the
// buffer only grows past them.
func (s *Scratch) alloc(n int) []byte {
	if cap(s.buf)-len(s.buf) < n {
		nb := make([]byte, len(s.buf), 2*cap(s.buf)+n+64)
		copy(nb, s.buf)
		s.buf = nb
	}
	start := len(s.buf)
	s.buf = s.buf[:start+n]
	return s.buf[start : start+n : start+n]
}

// startAppend and endAppend bracket appends to the scratch tail: the bytes
// appended between them form one result.
func (s *Scratch) startAppend() []byte { return s.buf[len(s.buf):] }

func (s *Scratch) endAppend(b []byte) []byte {
	n := len(b)
	if n == 0 {
		return nil
	}
	if n <= cap(s.buf)-len(s.buf) {
		// Appended in place (append reallocates only past the capacity).
		s.buf = s.buf[:len(s.buf)+n]
		return b[:n:n]
	}
	// b outgrew the buffer and lives on its own; grow the buffer so that
	// the next evaluation fits.
	nb := make([]byte, len(s.buf), 2*(len(s.buf)+n)+64)
	copy(nb, s.buf)
	s.buf = nb
	return b[:n:n]
}
