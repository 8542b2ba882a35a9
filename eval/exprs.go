package eval

import (
	"bytes"
	"net/netip"
	"strconv"
)

// The evaluators: a compiled expression is a tree of these. String
// evaluators return byte strings that may alias the packet, a literal or
// the scratch buffer, which is why no evaluator writes into a value it was
// given: new values are built at the scratch buffer's tail, after the
// operands have been evaluated.

type strExpr interface {
	evalStr(s *Scratch) []byte
}

type boolExpr interface {
	evalBool(s *Scratch) bool
}

type strLit []byte

func (l strLit) evalStr(*Scratch) []byte { return l }

type notExpr struct{ x boolExpr }

func (e *notExpr) evalBool(s *Scratch) bool { return !e.x.evalBool(s) }

// and and or evaluate both operands, as Kea's stack machine does, so that
// an evaluation error on either side is reported as Kea reports it.
type andExpr struct{ a, b boolExpr }

func (e *andExpr) evalBool(s *Scratch) bool {
	a := e.a.evalBool(s)
	b := e.b.evalBool(s)
	return a && b
}

type orExpr struct{ a, b boolExpr }

func (e *orExpr) evalBool(s *Scratch) bool {
	a := e.a.evalBool(s)
	b := e.b.evalBool(s)
	return a || b
}

type equalExpr struct{ a, b strExpr }

func (e *equalExpr) evalBool(s *Scratch) bool {
	return bytes.Equal(e.a.evalStr(s), e.b.evalStr(s))
}

type equalLitExpr struct {
	a   strExpr
	lit []byte
}

func (e *equalLitExpr) evalBool(s *Scratch) bool { return bytes.Equal(e.a.evalStr(s), e.lit) }

func newEqual(a, b strExpr) boolExpr {
	if l, ok := b.(strLit); ok {
		return &equalLitExpr{a, l}
	}
	if l, ok := a.(strLit); ok {
		return &equalLitExpr{b, l}
	}
	return &equalExpr{a, b}
}

// presenter is an option-like evaluator that can tell existence.
type presenter interface {
	present(s *Scratch) bool
}

type existsExpr struct{ x presenter }

func (e *existsExpr) evalBool(s *Scratch) bool { return e.x.present(s) }

type memberExpr struct {
	class  string
	negate bool
}

func (e *memberExpr) evalBool(s *Scratch) bool {
	var f func(string) bool
	if s.c4 != nil {
		f = s.c4.Member
	} else if s.c6 != nil {
		f = s.c6.Member
	}
	in := f != nil && f(e.class)
	return in != e.negate
}

// substringExpr is Kea's TokenSubstring. Start and length are kept as
// text, as Kea keeps them, and converted to 32-bit integers when the
// string is not empty; a value that does not convert is an evaluation
// error.
type substringExpr struct {
	x                 strExpr
	startText, lenTxt string
	start, length     int64
	startOK, lenOK    bool
	all               bool
}

func newSubstring(x strExpr, start, length string) *substringExpr {
	e := &substringExpr{x: x, startText: start, lenTxt: length}
	n, err := strconv.ParseInt(start, 10, 32)
	e.start, e.startOK = n, err == nil
	if length == "all" {
		e.all, e.lenOK = true, true
	} else {
		n, err = strconv.ParseInt(length, 10, 32)
		e.length, e.lenOK = n, err == nil
	}
	return e
}

func (e *substringExpr) evalStr(s *Scratch) []byte {
	str := e.x.evalStr(s)
	if len(str) == 0 {
		return nil
	}
	if !e.startOK {
		s.fail("the parameter '" + e.startText + "' for the starting position of the substring couldn't be converted to an integer.")
		return nil
	}
	if !e.lenOK {
		s.fail("the parameter '" + e.lenTxt + "' for the length of the substring couldn't be converted to an integer.")
		return nil
	}
	n := int64(len(str))
	start, length := e.start, e.length
	if e.all {
		length = n
	}
	if start < -n || start >= n {
		return nil
	}
	if start < 0 {
		start += n
	}
	if length < 0 {
		length = -length
		if length <= start {
			start -= length
		} else {
			length = start
			start = 0
		}
	}
	end := start + length
	if end > n {
		end = n
	}
	return str[start:end]
}

// splitExpr is Kea's TokenSplit.
type splitExpr struct {
	x, delim  strExpr
	fieldText string
	field     int64
	fieldOK   bool
}

func newSplit(x, delim strExpr, field string) *splitExpr {
	n, err := strconv.ParseInt(field, 10, 32)
	return &splitExpr{x: x, delim: delim, fieldText: field, field: n, fieldOK: err == nil}
}

func (e *splitExpr) evalStr(s *Scratch) []byte {
	str := e.x.evalStr(s)
	delim := e.delim.evalStr(s)
	if len(str) == 0 {
		return nil
	}
	if !e.fieldOK {
		s.fail("the parameter '" + e.fieldText + "' for the field field for split couldn't be converted to an integer.")
		return nil
	}
	if len(delim) == 0 {
		return str
	}
	if e.field < 1 {
		return nil
	}
	n := int64(1)
	begin := 0
	for i := 0; i <= len(str); i++ {
		if i < len(str) && bytes.IndexByte(delim, str[i]) < 0 {
			continue
		}
		if n == e.field {
			return str[begin:i]
		}
		n++
		begin = i + 1
	}
	return nil
}

type concatExpr struct{ a, b strExpr }

func (e *concatExpr) evalStr(s *Scratch) []byte {
	a := e.a.evalStr(s)
	b := e.b.evalStr(s)
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := s.alloc(len(a) + len(b))
	copy(out, a)
	copy(out[len(a):], b)
	return out
}

// ifElseExpr evaluates all three operands, as Kea does.
type ifElseExpr struct {
	cond boolExpr
	a, b strExpr
}

func (e *ifElseExpr) evalStr(s *Scratch) []byte {
	c := e.cond.evalBool(s)
	a := e.a.evalStr(s)
	b := e.b.evalStr(s)
	if c {
		return a
	}
	return b
}

// hexStringExpr is Kea's TokenToHexString: two lower-case hex digits per
// byte (Kea streams with std::hex, whatever the ARM's example shows),
// joined by the separator.
type hexStringExpr struct{ x, sep strExpr }

const hexDigits = "0123456789abcdef"

func (e *hexStringExpr) evalStr(s *Scratch) []byte {
	bin := e.x.evalStr(s)
	sep := e.sep.evalStr(s)
	if len(bin) == 0 {
		return nil
	}
	out := s.alloc(len(bin)*2 + (len(bin)-1)*len(sep))
	j := 0
	for i, c := range bin {
		if i > 0 {
			j += copy(out[j:], sep)
		}
		out[j], out[j+1] = hexDigits[c>>4], hexDigits[c&15]
		j += 2
	}
	return out
}

type caseExpr struct {
	x     strExpr
	upper bool
}

func (e *caseExpr) evalStr(s *Scratch) []byte {
	v := e.x.evalStr(s)
	if len(v) == 0 {
		return nil
	}
	out := s.alloc(len(v))
	for i, c := range v {
		switch {
		case e.upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case !e.upper && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// toTextExpr is addrtotext and the int*totext family: an empty value
// stays empty, a value of the wrong size is an evaluation error.
type toTextExpr struct {
	x    strExpr
	conv int
}

var toTextSize = [...]struct {
	size int
	name string
}{
	cInt8: {1, "int8"}, cInt16: {2, "int16"}, cInt32: {4, "int32"},
	cUint8: {1, "uint8"}, cUint16: {2, "uint16"}, cUint32: {4, "uint32"},
}

func (e *toTextExpr) evalStr(s *Scratch) []byte {
	v := e.x.evalStr(s)
	if len(v) == 0 {
		return nil
	}
	if e.conv == cAddr {
		if len(v) != 4 && len(v) != 16 {
			s.fail("Can not convert to valid address.")
			return nil
		}
		return s.endAppend(appendAddrText(s.startAppend(), v))
	}
	ts := toTextSize[e.conv]
	if len(v) != ts.size {
		s.fail("Can not convert to valid " + ts.name + ".")
		return nil
	}
	var n uint64
	for _, c := range v {
		n = n<<8 | uint64(c)
	}
	dst := s.startAppend()
	switch e.conv {
	case cInt8:
		dst = strconv.AppendInt(dst, int64(int8(n)), 10)
	case cInt16:
		dst = strconv.AppendInt(dst, int64(int16(n)), 10)
	case cInt32:
		dst = strconv.AppendInt(dst, int64(int32(n)), 10)
	default:
		dst = strconv.AppendUint(dst, n, 10)
	}
	return s.endAppend(dst)
}

// appendAddrText formats a 4- or 16-byte address as Kea does (through
// inet_ntop): like netip, except that an IPv6 address whose first 96 bits
// are zero, and which is neither :: nor ::x, ends in dotted-quad form.
func appendAddrText(dst, v []byte) []byte {
	if len(v) == 4 {
		return netip.AddrFrom4([4]byte(v)).AppendTo(dst)
	}
	a := netip.AddrFrom16([16]byte(v))
	zero96 := true
	for _, c := range v[:12] {
		if c != 0 {
			zero96 = false
			break
		}
	}
	if zero96 && (v[12] != 0 || v[13] != 0) {
		dst = append(dst, "::"...)
		return netip.AddrFrom4([4]byte(v[12:])).AppendTo(dst)
	}
	return a.AppendTo(dst)
}
