package server6

import (
	"strconv"
	"strings"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/option"
)

// optSet is the dhcp6 option-data of one configuration scope, pre-encoded
// at configuration time. Only the first entry of a code counts.
type optSet struct {
	codes   []uint16
	payload map[uint16][]byte
	always  map[uint16]bool
	never   map[uint16]bool
	// vendor are the sub-options of the scope's vendor-<enterprise>
	// spaces (for VENDOR_OPTS, 17), by enterprise number.
	vendor map[uint32]*optSet
}

// vendorSet returns the scope's sub-options of the vendor-<id> space, or
// nil.
func (o *optSet) vendorSet(id uint32) *optSet {
	if o == nil {
		return nil
	}
	return o.vendor[id]
}

func (o *optSet) get(code uint16) ([]byte, bool) {
	if o == nil {
		return nil, false
	}
	p, ok := o.payload[code]
	return p, ok
}

func newOptSet(list []*config.OptionData) *optSet {
	if len(list) == 0 {
		return nil
	}
	o := &optSet{payload: map[uint16][]byte{}, always: map[uint16]bool{}, never: map[uint16]bool{}}
	for _, d := range list {
		if id, ok := vendorSpace(d.Space); ok {
			o.addVendor(id, d)
			continue
		}
		if d.Space != option.SpaceDHCP6 {
			continue
		}
		code, ok := optionCode(d)
		if !ok {
			continue
		}
		if _, dup := o.payload[code]; dup {
			continue
		}
		p := append([]byte{}, d.Payload...)
		if d.Def != nil && d.Def.Encapsulate != "" {
			p = appendSubOptions(p, list, d.Def.Encapsulate)
		}
		o.payload[code] = p
		o.codes = append(o.codes, code)
		if d.AlwaysSend {
			o.always[code] = true
		}
		if d.NeverSend {
			o.never[code] = true
		}
	}
	return o
}

// vendorSpace reports the enterprise number of a "vendor-<number>" option
// space.
func vendorSpace(space string) (uint32, bool) {
	n, ok := strings.CutPrefix(space, "vendor-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(n, 10, 32)
	return uint32(id), err == nil
}

// addVendor records a sub-option of a vendor space (the first of a code
// counts).
func (o *optSet) addVendor(id uint32, d *config.OptionData) {
	code, ok := optionCode(d)
	if !ok {
		return
	}
	if o.vendor == nil {
		o.vendor = map[uint32]*optSet{}
	}
	v := o.vendor[id]
	if v == nil {
		v = &optSet{payload: map[uint16][]byte{}, always: map[uint16]bool{}, never: map[uint16]bool{}}
		o.vendor[id] = v
	}
	if _, dup := v.payload[code]; dup {
		return
	}
	v.payload[code] = append([]byte{}, d.Payload...)
	v.codes = append(v.codes, code)
	if d.AlwaysSend {
		v.always[code] = true
	}
	if d.NeverSend {
		v.never[code] = true
	}
}

func optionCode(d *config.OptionData) (uint16, bool) {
	switch {
	case d.Code.Set:
		return d.Code.V, d.Code.V != 0
	case d.Def != nil:
		return d.Def.Code, d.Def.Code != 0
	}
	return 0, false
}

// appendSubOptions appends the options of space from the same scope as
// DHCPv6 sub-options (two-octet code and length).
func appendSubOptions(p []byte, list []*config.OptionData, space string) []byte {
	seen := map[uint16]bool{}
	for _, s := range list {
		if s.Space != space {
			continue
		}
		c, ok := optionCode(s)
		if !ok || seen[c] {
			continue
		}
		seen[c] = true
		p = appendOption(p, c, s.Payload)
	}
	return p
}

// appendOption appends one option (code, length, payload).
func appendOption(p []byte, code uint16, data []byte) []byte {
	p = append(p, byte(code>>8), byte(code), byte(len(data)>>8), byte(len(data)))
	return append(p, data...)
}
