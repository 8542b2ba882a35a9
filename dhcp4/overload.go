package dhcp4

// decodeOverload validates option 52 (found in the options field), takes
// it out of the option list, and reads the options in file and then sname.
// Option 52 inside file or sname is an error: it belongs in the options
// field only (RFC 2131 section 4.1).
func (p *Packet) decodeOverload(b []byte, maxOpts int, dup *bool) error {
	pos := int(p.idx[OptionOverload]) - 1
	o := p.opts[pos]
	const off = OptionsOffset
	for i := range p.opts {
		if i != pos && p.opts[i].Code == OptionOverload {
			return parseErr(ErrBadOverload, off, OptionOverload)
		}
	}
	if len(o.Data) != 1 || o.Data[0] < OverloadFile || o.Data[0] > OverloadBoth {
		return parseErr(ErrBadOverload, off, OptionOverload)
	}
	v := o.Data[0]
	p.removeAt(pos)
	p.overload = v
	if v&OverloadFile != 0 {
		p.File = [fileLen]byte{}
		if _, err := p.scanArea(b, 108, 236, maxOpts, dup); err != nil {
			return err
		}
		if p.idx[OptionOverload] != 0 {
			return parseErr(ErrBadOverload, 108, OptionOverload)
		}
	}
	if v&OverloadSName != 0 {
		p.SName = [snameLen]byte{}
		if _, err := p.scanArea(b, 44, 108, maxOpts, dup); err != nil {
			return err
		}
		if p.idx[OptionOverload] != 0 {
			return parseErr(ErrBadOverload, 44, OptionOverload)
		}
	}
	return nil
}

// Overload layout for encoding: the areas options may go to, in the order
// RFC 2131 has a receiver read them.
type area struct {
	start, size int // offset in the packet and length of the area
}

// placeOverloaded writes the options of p into the options field (at most
// optRoom bytes, END included), then file, then sname, as instances of at
// most 255 bytes, keeping their order. dst holds the packet being written
// from dst[base:], header included with sname and file zeroed; the options
// field is appended, file and sname are written in place. It returns dst
// and the overload value that describes what was used.
func (p *Packet) placeOverloaded(dst []byte, base int, optRoom int, useFile, useSName bool) ([]byte, uint8, error) {
	areas := [3]area{{start: -1, size: optRoom}}
	n := 1
	if useFile {
		areas[n] = area{start: base + 108, size: fileLen}
		n++
	}
	if useSName {
		areas[n] = area{start: base + 44, size: snameLen}
		n++
	}
	ai := 0      // current area
	used := 0    // bytes used in the current area (END excluded)
	var ov uint8 // overload value set so far
	// The options field is written by appending to dst; file and sname
	// are written in place.
	put := func(code uint8, chunk []byte) bool {
		for ai < n {
			if used+2+len(chunk)+1 <= areas[ai].size {
				if areas[ai].start < 0 {
					dst = append(dst, code, uint8(len(chunk)))
					dst = append(dst, chunk...)
				} else {
					at := areas[ai].start + used
					dst[at] = code
					dst[at+1] = uint8(len(chunk))
					copy(dst[at+2:], chunk)
				}
				used += 2 + len(chunk)
				return true
			}
			// Close this area with END and move to the next one.
			if areas[ai].start < 0 {
				dst = append(dst, OptionEnd)
			} else {
				dst[areas[ai].start+used] = OptionEnd
			}
			ai++
			used = 0
			if ai < n {
				if areas[ai].start == base+108 {
					ov |= OverloadFile
				} else {
					ov |= OverloadSName
				}
			}
		}
		return false
	}
	for _, o := range p.opts {
		if reserved(o.Code) {
			return dst, 0, ErrReservedCode
		}
		d := o.Data
		for first := true; first || len(d) > 0; first = false {
			c := d
			if len(c) > 255 {
				c = c[:255]
			}
			if !put(o.Code, c) {
				return dst, 0, ErrTooBig
			}
			d = d[len(c):]
		}
	}
	if ai < n {
		if areas[ai].start < 0 {
			dst = append(dst, OptionEnd)
		} else {
			dst[areas[ai].start+used] = OptionEnd
		}
	}
	return dst, ov, nil
}
