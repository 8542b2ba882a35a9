package config

import "math"

// reader pulls typed values out of a map node that passed the grammar
// check, so kinds are already right; it checks ranges and keeps the first
// error. Decoding code reads as a list of r.xxx("key", &field) calls.
type reader struct {
	m   *Node
	err *Error
}

func newReader(m *Node) *reader { return &reader{m: m} }

func (r *reader) fail(e *Error) {
	if r.err == nil {
		r.err = e
	}
}

func (r *reader) get(key string) *Node {
	if r.err != nil {
		return nil
	}
	return r.m.Get(key)
}

// intIn reads an integer key and checks it against [lo, hi] with Kea's
// SimpleParser message.
func (r *reader) intIn(key string, lo, hi int64) (int64, bool) {
	v := r.get(key)
	if v == nil {
		return 0, false
	}
	if v.Kind != KindInt {
		r.fail(cfgErr(v.Pos(), "invalid value type specified for parameter '%s'", key))
		return 0, false
	}
	if v.Int < lo || v.Int > hi {
		r.fail(cfgErr(v.Pos(), "out of range value (%d) specified for parameter '%s'", v.Int, key))
		return 0, false
	}
	return v.Int, true
}

func (r *reader) u32(key string, o *Opt[uint32]) {
	if i, ok := r.intIn(key, 0, math.MaxUint32); ok {
		*o = Some(uint32(i))
	}
}

func (r *reader) u8(key string, o *Opt[uint8]) {
	if i, ok := r.intIn(key, 0, math.MaxUint8); ok {
		*o = Some(uint8(i))
	}
}

func (r *reader) u16(key string, o *Opt[uint16]) {
	if i, ok := r.intIn(key, 0, math.MaxUint16); ok {
		*o = Some(uint16(i))
	}
}

func (r *reader) float(key string, o *Opt[float64]) {
	v := r.get(key)
	if v == nil {
		return
	}
	switch v.Kind {
	case KindFloat:
		*o = Some(v.Float)
	case KindInt:
		*o = Some(float64(v.Int))
	default:
		r.fail(cfgErr(v.Pos(), "invalid value type specified for parameter '%s'", key))
	}
}

func (r *reader) bool(key string, o *Opt[bool]) {
	v := r.get(key)
	if v == nil {
		return
	}
	if v.Kind != KindBool {
		r.fail(cfgErr(v.Pos(), "invalid value type specified for parameter '%s'", key))
		return
	}
	*o = Some(v.Bool)
}

func (r *reader) str(key string, o *Opt[string]) {
	v := r.get(key)
	if v == nil {
		return
	}
	if v.Kind != KindString {
		r.fail(cfgErr(v.Pos(), "invalid value type specified for parameter '%s'", key))
		return
	}
	*o = Some(v.Str)
}

func (r *reader) strings(key string) []string {
	v := r.get(key)
	if v == nil || v.Kind != KindList {
		return nil
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		out = append(out, it.Str)
	}
	return out
}

// userContext returns user-context merged with comment the way Kea does:
// "comment" becomes the "comment" key of the user context.
func (r *reader) userContext() *Node {
	uc := r.m.Get("user-context")
	c := r.m.Get("comment")
	if c == nil {
		return uc.Clone()
	}
	out := NewMap()
	if uc != nil {
		out = uc.Clone()
	}
	out.Set("comment", NewString(c.Str))
	return out
}

// pos returns the position of key's value (or of the map when absent).
func (r *reader) pos(key string) Pos {
	if v := r.m.Get(key); v != nil {
		return v.Pos()
	}
	return r.m.Pos()
}

// keyPos returns the position of key itself.
func (r *reader) keyPos(key string) Pos {
	if e := r.m.entry(key); e != nil {
		return e.KeyPos.Start
	}
	return r.m.Pos()
}

func (r *reader) errorf(at Pos, format string, args ...any) {
	r.fail(cfgErr(at, format, args...))
}
