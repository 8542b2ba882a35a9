package eval

import (
	"strconv"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/option"
)

// Option representations.
const (
	reprText = iota + 1
	reprHex
	reprExists
)

const dhcp4RAI = 82

// finder locates an option payload in the packet being evaluated.
type finder interface {
	find(s *Scratch) ([]byte, bool)
}

// optExpr is every option-valued token: option[c], option[c].option[s],
// relay4[s], relay6[n].option[c], vendor[e].option[c]. .hex gives the
// payload as received, .text Kea's text form of it, .exists "true" or
// "false".
type optExpr struct {
	f     finder
	repr  int
	u     option.Universe
	code  uint16
	space string // space the option's definition is looked up in
	def   *option.Definition
	// parentSpace and parentCode name the parent of a sub-option: when
	// the evaluation's definitions encapsulate another space in the
	// parent (a class's option-def for option 43), the sub-option's
	// definition is looked up there, as Kea's deferred unpacking does.
	parentSpace string
	parentCode  uint16
}

func (o *optExpr) present(s *Scratch) bool {
	_, ok := o.f.find(s)
	return ok
}

func (o *optExpr) evalStr(s *Scratch) []byte {
	data, ok := o.f.find(s)
	switch o.repr {
	case reprExists:
		if ok {
			return trueVal
		}
		return falseVal
	case reprHex:
		if !ok {
			return nil
		}
		return data
	}
	if !ok {
		return nil
	}
	def := o.def
	if defs := s.defs(); defs != nil && o.space != "" {
		space := o.space
		if o.parentSpace != "" {
			if pd := defs.Lookup(o.parentSpace, o.parentCode); pd != nil && pd.Encapsulate != "" {
				space = pd.Encapsulate
			}
		}
		def = defs.Lookup(space, o.code)
	}
	if s.c4 != nil && !s.c4.DeferredUnpacked && o.space == option.SpaceDHCP4 && (o.code == 43 || o.code >= 224 && o.code <= 254) {
		def = nil
	}
	return textOf(s, o.u, o.code, def, data)
}

func (s *Scratch) defs() *option.DefSet {
	if s.c4 != nil {
		return s.c4.Defs
	}
	if s.c6 != nil {
		return s.c6.Defs
	}
	return nil
}

func (c *compiler) newOpt(f finder, space string, code uint16, repr int) *optExpr {
	o := &optExpr{f: f, repr: repr, u: c.u, code: code, space: space}
	if space != "" {
		o.def = c.defs.Lookup(space, code)
	}
	return o
}

func (c *compiler) optionExpr(code uint16, repr int) *optExpr {
	if c.u == option.V6 {
		return c.newOpt(top6{dhcp6.OptionCode(code)}, option.SpaceDHCP6, code, repr)
	}
	return c.newOpt(top4{uint8(code)}, option.SpaceDHCP4, code, repr)
}

// subOptionExpr is option[code].option[sub]: the sub-option as Kea finds
// it among the sub-options its definition of the parent unpacks. A parent
// without sub-options (no definition, or one encapsulating no space) has
// none.
func (c *compiler) subOptionExpr(code, sub uint16, repr int) *optExpr {
	if (c.u == option.V6 && code == uint16(dhcp6.OptVendorOpts)) || (c.u == option.V4 && code == uint16(dhcp4.OptionVIVSO)) {
		// Kea's OptionVendor: the sub-options of the first vendor.
		return c.newOpt(vendorSubFinder{0, sub}, "", sub, repr)
	}
	parent := c.optionExpr(code, reprHex)
	off, space, ok := subArea(c.u, code, parent.def)
	if !ok {
		return c.newOpt(never{}, "", sub, repr)
	}
	f := &subFinder{parent: parent.f, u: c.u, off: off, code: sub, padEnd: c.u == option.V4 && code == 43}
	o := c.newOpt(f, space, sub, repr)
	o.parentSpace, o.parentCode = parent.space, code
	return o
}

// subArea tells where the sub-options of an option start and which space
// they belong to.
func subArea(u option.Universe, code uint16, def *option.Definition) (int, string, bool) {
	if u == option.V6 {
		switch dhcp6.OptionCode(code) {
		case dhcp6.OptIANA, dhcp6.OptIAPD:
			return 12, option.SpaceDHCP6, true
		case dhcp6.OptIATA:
			return 4, option.SpaceDHCP6, true
		case dhcp6.OptIAAddr:
			return 24, option.SpaceDHCP6, true
		case dhcp6.OptIAPrefix:
			return 25, option.SpaceDHCP6, true
		}
	}
	if def == nil || def.Encapsulate == "" {
		return 0, "", false
	}
	n := fixedLen(def)
	if n < 0 {
		return 0, "", false
	}
	return n, def.Encapsulate, true
}

func typeLen(t option.DataType) int {
	switch t {
	case option.TypeEmpty:
		return 0
	case option.TypeBoolean, option.TypeInt8, option.TypeUint8:
		return 1
	case option.TypeInt16, option.TypeUint16:
		return 2
	case option.TypeInt32, option.TypeUint32, option.TypeIPv4Address:
		return 4
	case option.TypeIPv6Address:
		return 16
	}
	return -1
}

func fixedLen(d *option.Definition) int {
	if d.Array {
		return -1
	}
	if d.Type != option.TypeRecord {
		return typeLen(d.Type)
	}
	n := 0
	for _, t := range d.RecordTypes {
		l := typeLen(t)
		if l < 0 {
			return -1
		}
		n += l
	}
	return n
}

type never struct{}

func (never) find(*Scratch) ([]byte, bool) { return nil, false }

type top4 struct{ code uint8 }

func (t top4) find(s *Scratch) ([]byte, bool) { return s.c4.Pkt.Get(t.code) }

type top6 struct{ code dhcp6.OptionCode }

func (t top6) find(s *Scratch) ([]byte, bool) {
	o, ok := s.c6.Pkt.Options.Get(t.code)
	return o.Data, ok
}

type subFinder struct {
	parent finder
	u      option.Universe
	off    int
	code   uint16
	padEnd bool
}

func (f *subFinder) find(s *Scratch) ([]byte, bool) {
	if f.padEnd && !s.c4.DeferredUnpacked {
		return nil, false
	}
	data, ok := f.parent.find(s)
	if !ok || len(data) < f.off {
		return nil, false
	}
	return findSub(f.u, data[f.off:], f.code, f.padEnd)
}

// findSub finds the first sub-option with the code in an area.
func findSub(u option.Universe, area []byte, code uint16, padEnd bool) ([]byte, bool) {
	if u == option.V6 {
		o, ok, err := dhcp6.View(area).Get(dhcp6.OptionCode(code))
		if err != nil || !ok {
			return nil, false
		}
		return o.Data, true
	}
	if code > 255 {
		return nil, false
	}
	it := dhcp4.SubOptions(area).Iter(padEnd)
	for c, d, ok := it.Next(); ok; c, d, ok = it.Next() {
		if c == uint8(code) {
			return d, true
		}
	}
	return nil, false
}

// relay6 option: relay6[level].option[code].
type relay6Finder struct {
	level int
	code  dhcp6.OptionCode
}

func relayLevel(p *dhcp6.Packet, level int) (*dhcp6.Relay, bool) {
	n := len(p.Relays)
	if level < 0 {
		level += n
	}
	if level < 0 || level >= n {
		return nil, false
	}
	return &p.Relays[level], true
}

func (f relay6Finder) find(s *Scratch) ([]byte, bool) {
	r, ok := relayLevel(s.c6.Pkt, f.level)
	if !ok {
		return nil, false
	}
	o, ok := r.Options.Get(f.code)
	return o.Data, ok
}

func (c *compiler) relay6Option(level int, code uint16, repr int) *optExpr {
	return c.newOpt(relay6Finder{level, dhcp6.OptionCode(code)}, option.SpaceDHCP6, code, repr)
}

// Vendor fields.
const (
	vExists = iota + 1
	vSub
	vEnterprise
)

// vendorOpt finds the first vendor option (125 in DHCPv4, 17 in DHCPv6)
// and, for DHCPv4, its first enterprise block; it returns the enterprise
// number and the sub-option area.
func vendorOpt(s *Scratch) (ent uint32, area []byte, ok bool) {
	var data []byte
	if s.c4 != nil {
		data, ok = s.c4.Pkt.Get(dhcp4.OptionVIVSO)
	} else {
		var o dhcp6.Option
		o, ok = s.c6.Pkt.Options.Get(dhcp6.OptVendorOpts)
		data = o.Data
	}
	if !ok || len(data) < 4 {
		return 0, nil, false
	}
	ent = uint32(data[0])<<24 | uint32(data[1])<<16 | uint32(data[2])<<8 | uint32(data[3])
	area = data[4:]
	if s.c4 != nil && len(area) > 0 {
		n := int(area[0])
		if 1+n > len(area) {
			return 0, nil, false
		}
		area = area[1 : 1+n]
	}
	return ent, area, true
}

type vendorSubFinder struct {
	ent  uint32
	code uint16
}

func (f vendorSubFinder) find(s *Scratch) ([]byte, bool) {
	ent, area, ok := vendorOpt(s)
	if !ok || (f.ent != 0 && f.ent != ent) {
		return nil, false
	}
	u := option.V6
	if s.c4 != nil {
		u = option.V4
	}
	return findSub(u, area, f.code, false)
}

type vendorExpr struct {
	ent   uint32
	field int
}

func (v *vendorExpr) present(s *Scratch) bool {
	ent, _, ok := vendorOpt(s)
	return ok && (v.ent == 0 || v.ent == ent)
}

func (v *vendorExpr) evalStr(s *Scratch) []byte {
	ent, _, ok := vendorOpt(s)
	if !ok || (v.ent != 0 && v.ent != ent) {
		if v.field == vExists {
			return falseVal
		}
		return nil
	}
	if v.field == vExists {
		return trueVal
	}
	out := s.alloc(4)
	out[0], out[1], out[2], out[3] = byte(ent>>24), byte(ent>>16), byte(ent>>8), byte(ent)
	return out
}

func (c *compiler) vendor(ent uint32, field int, code uint16, repr int) interface {
	strExpr
	presenter
} {
	if field != vSub {
		return &vendorExpr{ent: ent, field: field}
	}
	space := ""
	if ent != 0 {
		space = "vendor-" + strconv.FormatUint(uint64(ent), 10)
	}
	return c.newOpt(vendorSubFinder{ent, code}, space, code, repr)
}

// Vendor class fields.
const (
	vcExists = iota + 1
	vcEnterprise
	vcData
)

type vendorClassExpr struct {
	ent   uint32
	field int
	index int
}

// vendorClassOpt returns the first vendor class option (124 or 16): its
// enterprise and the bytes after it.
func vendorClassOpt(s *Scratch) (uint32, []byte, bool) {
	var data []byte
	var ok bool
	min := 4
	if s.c4 != nil {
		data, ok = s.c4.Pkt.Get(dhcp4.OptionVIVCO)
		min = 5
	} else {
		var o dhcp6.Option
		o, ok = s.c6.Pkt.Options.Get(dhcp6.OptVendorClass)
		data = o.Data
	}
	if !ok || len(data) < min {
		return 0, nil, false
	}
	ent := uint32(data[0])<<24 | uint32(data[1])<<16 | uint32(data[2])<<8 | uint32(data[3])
	return ent, data[4:], true
}

// tuple returns the i-th data tuple as Kea's OptionVendorClass reads it:
// 2-byte lengths in DHCPv6; in DHCPv4 1-byte lengths, each tuple after the
// first preceded by another enterprise number.
func (v *vendorClassExpr) tuple(s *Scratch, rest []byte) ([]byte, bool) {
	v4 := s.c4 != nil
	for i := 0; len(rest) > 0; i++ {
		var n, h int
		if v4 {
			n, h = int(rest[0]), 1
		} else {
			if len(rest) < 2 {
				return nil, false
			}
			n, h = int(rest[0])<<8|int(rest[1]), 2
		}
		if h+n > len(rest) {
			if v4 {
				return nil, false
			}
			// A DHCPv6 query whose item runs past the option reaches
			// evaluation only with lenient-option-parsing (the server
			// drops it otherwise): the item is the rest of the option,
			// as Kea's lenient OpaqueDataTuple::unpack reads it.
			n = len(rest) - h
		}
		if i == v.index {
			return rest[h : h+n], true
		}
		rest = rest[h+n:]
		if v4 && len(rest) > 0 {
			if len(rest) < 4 {
				return nil, false
			}
			rest = rest[4:]
		}
	}
	return nil, false
}

func (v *vendorClassExpr) present(s *Scratch) bool {
	ent, _, ok := vendorClassOpt(s)
	return ok && (v.ent == 0 || v.ent == ent)
}

func (v *vendorClassExpr) evalStr(s *Scratch) []byte {
	ent, rest, ok := vendorClassOpt(s)
	if !ok || (v.ent != 0 && v.ent != ent) {
		if v.field == vcExists {
			return falseVal
		}
		return nil
	}
	switch v.field {
	case vcExists:
		return trueVal
	case vcEnterprise:
		out := s.alloc(4)
		out[0], out[1], out[2], out[3] = byte(ent>>24), byte(ent>>16), byte(ent>>8), byte(ent)
		return out
	}
	d, _ := v.tuple(s, rest)
	return d
}

func (c *compiler) vendorClass(ent uint32, field, index int) *vendorClassExpr {
	return &vendorClassExpr{ent: ent, field: field, index: index}
}
