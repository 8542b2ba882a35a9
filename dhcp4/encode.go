package dhcp4

// Len returns the length Encode would produce without overload and before
// MinSize padding: header, cookie, options (split in 255-byte instances)
// and END.
func (p *Packet) Len() int {
	n := OptionsOffset + 1
	for _, o := range p.opts {
		n += wireLen(len(o.Data))
	}
	return n
}

// wireLen is the number of bytes a payload of n bytes takes on the wire,
// split into instances of at most 255 bytes (RFC 3396).
func wireLen(n int) int {
	if n == 0 {
		return 2
	}
	return n + 2*((n+254)/255)
}

// Encode returns the packet in a new buffer. See AppendTo.
func (p *Packet) Encode() ([]byte, error) {
	return p.AppendTo(make([]byte, 0, max(p.Len(), p.MinSize)))
}

// AppendTo appends the wire form of p to dst and returns the extended
// buffer; it does not allocate when dst has room for the packet.
//
// Options are written in the packet's order, each payload over 255 bytes
// split into consecutive instances (RFC 3396), then END, then pad bytes up
// to MinSize. With MaxSize set and the options too long for it, options
// overflow into file and then sname (with option 52 written first in the
// options field), when those fields are free. On error dst is returned
// unchanged in length.
func (p *Packet) AppendTo(dst []byte) ([]byte, error) {
	base := len(dst)
	natural := p.Len()
	if p.MaxSize > 0 && natural > p.MaxSize {
		return p.appendOverloaded(dst)
	}
	var zs [snameLen]byte
	var zf [fileLen]byte
	sname, file := &p.SName, &p.File
	if p.overload&OverloadSName != 0 {
		sname = &zs
	}
	if p.overload&OverloadFile != 0 {
		file = &zf
	}
	dst = p.appendHeader(dst, sname, file)
	for _, o := range p.opts {
		if reserved(o.Code) {
			return dst[:base], ErrReservedCode
		}
		dst = appendOption(dst, o.Code, o.Data)
	}
	dst = append(dst, OptionEnd)
	return padTo(dst, base+p.MinSize), nil
}

// reserved reports whether the encoder refuses code as an option of the
// packet: pad and end carry no data, and option 52 is the encoder's own.
func reserved(code uint8) bool {
	return code == OptionPad || code == OptionEnd || code == OptionOverload
}

func appendOption(dst []byte, code uint8, d []byte) []byte {
	for {
		c := d
		if len(c) > 255 {
			c = c[:255]
		}
		dst = append(dst, code, uint8(len(c)))
		dst = append(dst, c...)
		d = d[len(c):]
		if len(d) == 0 {
			return dst
		}
	}
}

func padTo(dst []byte, n int) []byte {
	for len(dst) < n {
		dst = append(dst, 0)
	}
	return dst
}

func (p *Packet) appendOverloaded(dst []byte) ([]byte, error) {
	base := len(dst)
	optRoom := p.MaxSize - OptionsOffset - 3 // option 52 takes 3 bytes
	if optRoom < 1 {
		return dst, ErrTooBig
	}
	useSName := p.overload&OverloadSName != 0 || p.SName == [snameLen]byte{}
	useFile := p.overload&OverloadFile != 0 || p.File == [fileLen]byte{}
	var zs [snameLen]byte
	var zf [fileLen]byte
	sname, file := &p.SName, &p.File
	if useSName {
		sname = &zs
	}
	if useFile {
		file = &zf
	}
	dst = p.appendHeader(dst, sname, file)
	ovAt := len(dst) + 2
	dst = append(dst, OptionOverload, 1, 0)
	dst, ov, err := p.placeOverloaded(dst, base, optRoom, useFile, useSName)
	if err != nil {
		return dst[:base], err
	}
	dst[ovAt] = ov
	dst = padTo(dst, base+min(p.MinSize, p.MaxSize))
	return dst, nil
}
