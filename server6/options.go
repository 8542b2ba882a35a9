package server6

import (
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
