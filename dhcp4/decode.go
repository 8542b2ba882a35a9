package dhcp4

import "encoding/binary"

// Decode resets p and fills it from the DHCPv4 packet b (a UDP payload).
//
// Option payloads are slices of b (or of p's scratch buffer for options
// that arrived in several instances), so b must stay unchanged while p is
// in use. Decode does not allocate once p's buffers have grown to the sizes
// the traffic needs.
//
// Layout rules: pad (0) bytes are skipped; END (255) stops an area; several
// instances of one code are concatenated in the order met (RFC 3396), the
// option taking the place of its first instance; option 52 makes Decode
// read options from file and then from sname (RFC 2131 order), after which
// those fields read as zero. Bytes after END only set MinSize.
//
// On error the header fields decoded so far stay, and for
// ErrTruncatedOption the options before the fault stay too. The error is a
// *ParseError; see ErrorKind for the kinds.
func (p *Packet) Decode(b []byte) error {
	p.Reset()
	if len(b) < HeaderLen {
		return parseErr(ErrTruncatedHeader, len(b), 0)
	}
	p.decodeHeader(b)
	switch {
	case len(b) == HeaderLen:
		return parseErr(ErrNoCookie, HeaderLen, 0)
	case len(b) < OptionsOffset || [4]byte(b[HeaderLen:OptionsOffset]) != MagicCookie:
		return parseErr(ErrBadCookie, HeaderLen, 0)
	}
	maxOpts := p.MaxOptions
	if maxOpts <= 0 {
		maxOpts = DefaultMaxOptions
	}
	dup := false
	end, err := p.scanArea(b, OptionsOffset, len(b), maxOpts, &dup)
	if err != nil {
		p.finish(dup)
		return err
	}
	if end < len(b) {
		p.MinSize = len(b)
	}
	if p.idx[OptionOverload] != 0 {
		if err := p.decodeOverload(b, maxOpts, &dup); err != nil {
			p.finish(dup)
			return err
		}
	}
	p.finish(dup)
	return nil
}

// scanArea appends the options found in b[start:stop] to p.opts and
// returns the offset just past END (or stop when there is no END).
func (p *Packet) scanArea(b []byte, start, stop, maxOpts int, dup *bool) (int, error) {
	i := start
	for i < stop {
		code := b[i]
		switch code {
		case OptionPad:
			i++
			continue
		case OptionEnd:
			return i + 1, nil
		}
		if i+1 >= stop {
			return stop, parseErr(ErrTruncatedOption, i, code)
		}
		n := int(b[i+1])
		if i+2+n > stop {
			return stop, parseErr(ErrTruncatedOption, i, code)
		}
		if len(p.opts) >= maxOpts {
			return stop, parseErr(ErrTooManyOptions, i, code)
		}
		// The capacity limit keeps an append on the payload from writing
		// into the bytes that follow it in b.
		p.opts = append(p.opts, Option{Code: code, Data: b[i+2 : i+2+n : i+2+n]})
		if p.idx[code] != 0 {
			*dup = true
		} else {
			p.idx[code] = uint16(len(p.opts))
		}
		i += 2 + n
	}
	return stop, nil
}

// finish fuses repeated codes (RFC 3396) when there are any.
func (p *Packet) finish(dup bool) {
	if !dup {
		return
	}
	out := p.spare[:0]
	p.idx = [256]uint16{}
	for i, o := range p.opts {
		if p.idx[o.Code] != 0 {
			continue
		}
		n := 0
		for _, q := range p.opts[i:] {
			if q.Code == o.Code {
				n++
			}
		}
		if n > 1 {
			start := len(p.scratch)
			for _, q := range p.opts[i:] {
				if q.Code == o.Code {
					p.scratch = append(p.scratch, q.Data...)
				}
			}
			o.Data = p.scratch[start:len(p.scratch):len(p.scratch)]
		}
		out = append(out, o)
		p.idx[o.Code] = uint16(len(out))
	}
	clear(p.opts)
	p.spare = p.opts[:0]
	p.opts = out
}

// readUint reads a big-endian unsigned integer of len(b) bytes (1, 2 or 4).
func readUint(b []byte) uint32 {
	switch len(b) {
	case 1:
		return uint32(b[0])
	case 2:
		return uint32(binary.BigEndian.Uint16(b))
	case 4:
		return binary.BigEndian.Uint32(b)
	}
	return 0
}
