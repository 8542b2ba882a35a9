package dhcp4

import "encoding/binary"

// Options returns the options in packet order. The slice and the payloads
// belong to p: read them, do not keep them past the next Decode or Reset,
// and change options only through p's methods.
func (p *Packet) Options() []Option { return p.opts }

// NumOptions returns the number of options.
func (p *Packet) NumOptions() int { return len(p.opts) }

// Get returns the payload of option code and whether the option is there.
func (p *Packet) Get(code uint8) ([]byte, bool) {
	i := p.idx[code]
	if i == 0 {
		return nil, false
	}
	return p.opts[i-1].Data, true
}

// Has reports whether option code is present.
func (p *Packet) Has(code uint8) bool { return p.idx[code] != 0 }

// Set sets option code to a copy of data, in place when the option exists
// and at the end otherwise. The copy lives in p's scratch buffer, so data
// may be reused at once. Codes 0, 52 and 255 are reserved to the codec:
// Encode returns ErrReservedCode for them (set MaxSize to get overload).
func (p *Packet) Set(code uint8, data []byte) {
	d := p.keep(data)
	if i := p.idx[code]; i != 0 {
		p.opts[i-1].Data = d
		return
	}
	p.opts = append(p.opts, Option{Code: code, Data: d})
	p.idx[code] = uint16(len(p.opts))
}

// Add appends data to option code, creating it at the end when absent.
// Adding to an existing option extends its payload, which is what a
// receiver makes of several instances of one code (RFC 3396).
func (p *Packet) Add(code uint8, data []byte) {
	i := p.idx[code]
	if i == 0 {
		p.Set(code, data)
		return
	}
	old := p.opts[i-1].Data
	start := len(p.scratch)
	p.scratch = append(p.scratch, old...)
	p.scratch = append(p.scratch, data...)
	p.opts[i-1].Data = p.scratch[start:len(p.scratch):len(p.scratch)]
}

// Del removes option code and reports whether it was there.
func (p *Packet) Del(code uint8) bool {
	i := p.idx[code]
	if i == 0 {
		return false
	}
	p.removeAt(int(i) - 1)
	return true
}

func (p *Packet) removeAt(pos int) {
	p.idx[p.opts[pos].Code] = 0
	copy(p.opts[pos:], p.opts[pos+1:])
	p.opts[len(p.opts)-1] = Option{}
	p.opts = p.opts[:len(p.opts)-1]
	for j := pos; j < len(p.opts); j++ {
		p.idx[p.opts[j].Code] = uint16(j + 1)
	}
}

// keep copies data into the scratch buffer. Slices handed out before stay
// valid when the buffer grows: growth moves to a new array and leaves the
// old one to them.
func (p *Packet) keep(data []byte) []byte {
	start := len(p.scratch)
	p.scratch = append(p.scratch, data...)
	return p.scratch[start:len(p.scratch):len(p.scratch)]
}

// GetUint8 returns a one-byte option's value; ok is false when the option
// is absent or not exactly one byte long.
func (p *Packet) GetUint8(code uint8) (v uint8, ok bool) {
	d, ok := p.Get(code)
	if !ok || len(d) != 1 {
		return 0, false
	}
	return d[0], true
}

// GetUint16 returns a two-byte option's value (network order); ok is false
// when the option is absent or not exactly two bytes long.
func (p *Packet) GetUint16(code uint8) (v uint16, ok bool) {
	d, ok := p.Get(code)
	if !ok || len(d) != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(d), true
}

// GetUint32 returns a four-byte option's value (network order); ok is
// false when the option is absent or not exactly four bytes long.
func (p *Packet) GetUint32(code uint8) (v uint32, ok bool) {
	d, ok := p.Get(code)
	if !ok || len(d) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(d), true
}

// GetIPv4 returns a single-address option's value; ok is false when the
// option is absent or not exactly four bytes long.
func (p *Packet) GetIPv4(code uint8) (a IPv4, ok bool) {
	d, ok := p.Get(code)
	if !ok || len(d) != 4 {
		return IPv4{}, false
	}
	return IPv4(d), true
}

// SetUint8 sets a one-byte option.
func (p *Packet) SetUint8(code, v uint8) { p.Set(code, []byte{v}) }

// SetUint16 sets a two-byte option (network order).
func (p *Packet) SetUint16(code uint8, v uint16) {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	p.Set(code, b[:])
}

// SetUint32 sets a four-byte option (network order).
func (p *Packet) SetUint32(code uint8, v uint32) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	p.Set(code, b[:])
}

// SetIPv4 sets a single-address option.
func (p *Packet) SetIPv4(code uint8, a IPv4) { p.Set(code, a[:]) }

// SortKea puts the options in the order Kea's LibDHCP::packOptions4 writes
// them: message type (53) first, relay agent information (82) last, the
// others by ascending code. It is for building replies that match Kea's
// byte for byte; Decode keeps the received order.
func (p *Packet) SortKea() {
	rank := func(c uint8) int {
		switch c {
		case OptionMessageType:
			return -1
		case OptionRelayAgentInformation:
			return 256
		}
		return int(c)
	}
	// Insertion sort: stable, in place, no allocation; n is small.
	for i := 1; i < len(p.opts); i++ {
		o := p.opts[i]
		j := i
		for j > 0 && rank(p.opts[j-1].Code) > rank(o.Code) {
			p.opts[j] = p.opts[j-1]
			j--
		}
		p.opts[j] = o
	}
	for i, o := range p.opts {
		p.idx[o.Code] = uint16(i + 1)
	}
}
