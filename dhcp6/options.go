package dhcp6

import "encoding/binary"

// Limits that bound the work and memory of decoding hostile input.
const (
	// MaxOptions is the most options Decode accepts in one packet, counting
	// the top-level options of every relay level and of the client message
	// (not options inside containers).
	MaxOptions = 1024
	// MaxViewOptions is the most options an Iter yields from one container
	// before it fails with KindTooManyOptions.
	MaxViewOptions = 1024
)

// Option is one option as found on the wire: its code and its payload. Data
// references the decoded buffer; it is not a copy.
type Option struct {
	Code OptionCode
	Data []byte
}

// Options is the option list of one message or relay level, in wire order.
// Repeated codes are kept as they came.
type Options []Option

// Get returns the first option with the code.
func (o Options) Get(code OptionCode) (Option, bool) {
	for i := range o {
		if o[i].Code == code {
			return o[i], true
		}
	}
	return Option{}, false
}

// Has reports whether an option with the code is present.
func (o Options) Has(code OptionCode) bool {
	_, ok := o.Get(code)
	return ok
}

// Count returns how many options carry the code.
func (o Options) Count(code OptionCode) int {
	n := 0
	for i := range o {
		if o[i].Code == code {
			n++
		}
	}
	return n
}

// Next returns the index of the first option with the code at or after
// index from, or -1. Loop over repeated options (several IA_NA) with it:
//
//	for i := opts.Next(dhcp6.OptIANA, 0); i >= 0; i = opts.Next(dhcp6.OptIANA, i+1) { ... }
func (o Options) Next(code OptionCode, from int) int {
	for i := max(from, 0); i < len(o); i++ {
		if o[i].Code == code {
			return i
		}
	}
	return -1
}

// View is an encoded sequence of DHCPv6 options (2-octet code, 2-octet
// length, payload), as found inside a container option. Walking it parses
// lazily and allocates nothing.
type View []byte

// Iter returns an iterator over the options of the view.
func (v View) Iter() Iter { return Iter{b: v} }

// Get returns the first option with the code. It fails if the view is
// malformed before that option is reached.
func (v View) Get(code OptionCode) (Option, bool, error) {
	it := v.Iter()
	for it.Next() {
		if o := it.Option(); o.Code == code {
			return o, true, nil
		}
	}
	return Option{}, false, it.Err()
}

// Append returns v with the option code and payload data appended (a
// callout adds an option to a container, e.g. to the IA of lease6_renew).
func (v View) Append(code OptionCode, data []byte) View {
	v = append(v, byte(code>>8), byte(code), byte(len(data)>>8), byte(len(data)))
	return append(v, data...)
}

// Validate walks the whole view and returns its first structural error.
func (v View) Validate() error {
	it := v.Iter()
	for it.Next() {
	}
	return it.Err()
}

// Len returns the number of options in a well-formed view, or the error
// that stops the walk.
func (v View) Len() (int, error) {
	it := v.Iter()
	n := 0
	for it.Next() {
		n++
	}
	return n, it.Err()
}

// Iter walks a View. Use it as
//
//	it := v.Iter()
//	for it.Next() { o := it.Option(); ... }
//	if err := it.Err(); err != nil { ... }
//
// Next returns false at the end or at the first error; Err tells which.
// An option whose payload would run past the view fails with
// ErrContainerOverrun, as do 1-3 stray bytes at the end.
type Iter struct {
	b   []byte
	off int
	n   int
	cur Option
	err error
}

// Next advances to the next option.
func (it *Iter) Next() bool {
	if it.err != nil || it.off >= len(it.b) {
		return false
	}
	rest := it.b[it.off:]
	if len(rest) < 4 {
		it.err = ErrContainerOverrun
		return false
	}
	l := int(binary.BigEndian.Uint16(rest[2:]))
	if 4+l > len(rest) {
		it.err = ErrContainerOverrun
		return false
	}
	if it.n == MaxViewOptions {
		it.err = ErrTooManyOptions
		return false
	}
	it.n++
	it.cur = Option{Code: OptionCode(binary.BigEndian.Uint16(rest)), Data: rest[4 : 4+l : 4+l]}
	it.off += 4 + l
	return true
}

// Option returns the option Next stopped at.
func (it *Iter) Option() Option { return it.cur }

// Offset returns the offset within the view of the byte after the current
// option.
func (it *Iter) Offset() int { return it.off }

// Err returns the error that ended the walk, or nil at a clean end.
func (it *Iter) Err() error { return it.err }
