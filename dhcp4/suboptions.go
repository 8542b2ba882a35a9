package dhcp4

// SubOptions is an area of code/length/value sub-options of one-byte code
// and one-byte length, such as the payload of option 82 (RFC 3046), of
// option 43, or of one enterprise's part of option 125. It is a view on
// bytes; nothing is copied.
type SubOptions []byte

// Iter returns an iterator over the sub-options. With padEnd, code 0 is a
// one-byte pad and code 255 ends the area, as in the top-level options
// (Kea's rule for option 43 in its vendor space); without, every code is a
// plain TLV (option 82, option 125).
func (s SubOptions) Iter(padEnd bool) SubOptionIter {
	return SubOptionIter{b: s, padEnd: padEnd}
}

// Get returns the payload of the first sub-option with the code, treating
// every code as a plain TLV. ok is false when the code is absent or the
// area is malformed before it.
func (s SubOptions) Get(code uint8) (data []byte, ok bool) {
	it := s.Iter(false)
	for c, d, more := it.Next(); more; c, d, more = it.Next() {
		if c == code {
			return d, true
		}
	}
	return nil, false
}

// AppendAll appends to dst the payloads of every sub-option with the code,
// in order: the concatenation RFC 3396 asks for when a sub-option was
// split. found is false when there is none.
func (s SubOptions) AppendAll(dst []byte, code uint8) (out []byte, found bool) {
	it := s.Iter(false)
	for c, d, more := it.Next(); more; c, d, more = it.Next() {
		if c == code {
			dst = append(dst, d...)
			found = true
		}
	}
	return dst, found
}

// Valid reports whether the area is a well-formed sequence of plain TLVs.
func (s SubOptions) Valid() bool {
	it := s.Iter(false)
	for _, _, more := it.Next(); more; _, _, more = it.Next() {
	}
	return it.Err() == nil
}

// SubOptionIter walks a SubOptions area. It does not allocate. Use it as
//
//	it := subs.Iter(false)
//	for code, data, ok := it.Next(); ok; code, data, ok = it.Next() { ... }
//	if it.Err() != nil { ... }
type SubOptionIter struct {
	b      []byte
	off    int
	padEnd bool
	err    error
}

// Next returns the next sub-option's code and payload, and false at the
// end of the area or at a malformed sub-option (then Err is set). The
// payload aliases the area.
func (it *SubOptionIter) Next() (code uint8, data []byte, ok bool) {
	for it.off < len(it.b) {
		c := it.b[it.off]
		if it.padEnd {
			if c == OptionPad {
				it.off++
				continue
			}
			if c == OptionEnd {
				it.off = len(it.b)
				return 0, nil, false
			}
		}
		if it.off+1 >= len(it.b) {
			it.err = &ParseError{Kind: ErrTruncatedOption, Offset: it.off, Code: c}
			it.off = len(it.b)
			return 0, nil, false
		}
		n := int(it.b[it.off+1])
		start := it.off + 2
		if start+n > len(it.b) {
			it.err = &ParseError{Kind: ErrTruncatedOption, Offset: it.off, Code: c}
			it.off = len(it.b)
			return 0, nil, false
		}
		it.off = start + n
		return c, it.b[start : start+n : start+n], true
	}
	return 0, nil, false
}

// Err returns the error that stopped the iteration, or nil. The offset in
// it is relative to the start of the area.
func (it *SubOptionIter) Err() error { return it.err }

// AppendSubOption appends one sub-option (code, length, data) to dst;
// data longer than 255 bytes is split into consecutive instances.
func AppendSubOption(dst []byte, code uint8, data []byte) []byte {
	return appendOption(dst, code, data)
}
