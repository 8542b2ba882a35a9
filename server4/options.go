package server4

import (
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/option"
)

// codeSet is a set of DHCPv4 option codes.
type codeSet [4]uint64

func (s *codeSet) add(c uint8)       { s[c>>6] |= 1 << (c & 63) }
func (s *codeSet) has(c uint8) bool  { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *codeSet) or(o *codeSet)     { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *codeSet) andNot(o *codeSet) { s[0] &^= o[0]; s[1] &^= o[1]; s[2] &^= o[2]; s[3] &^= o[3] }
func (s *codeSet) empty() bool       { return s[0]|s[1]|s[2]|s[3] == 0 }
func (s *codeSet) addAll(codes []uint8) {
	for _, c := range codes {
		s.add(c)
	}
}

// optSet is the option-data of one configuration scope (global, shared
// network, subnet, pool, class or host) in the dhcp4 space, pre-encoded at
// configuration time: the wire payload of each code, sub-options of an
// encapsulating option included, so that building a reply copies bytes and
// never parses.
type optSet struct {
	payload [256][]byte // nil: not configured at this scope
	present codeSet
	always  codeSet // always-send
	never   codeSet // never-send
	// serverIDs are the dhcp-server-identifier values (option 54).
	serverID [4]byte
	hasSID   bool
	// vendors are the sub-options of option 125 configured at this
	// scope, by enterprise number (vendor.go).
	vendors map[uint32]*optSet
}

// get returns the payload configured for code at this scope.
func (o *optSet) get(code uint8) ([]byte, bool) {
	if o == nil || !o.present.has(code) {
		return nil, false
	}
	return o.payload[code], true
}

// newOptSet compiles a scope's option-data list. Only the first entry of a
// code counts, as Kea's CfgOption::get returns the first one.
func newOptSet(list []*config.OptionData) *optSet {
	if len(list) == 0 {
		return nil
	}
	o := &optSet{}
	for _, d := range list {
		if d.Space != option.SpaceDHCP4 {
			continue
		}
		code, ok := optionCode(d)
		if !ok || o.present.has(code) {
			continue
		}
		p := append([]byte(nil), d.Payload...)
		if d.Def != nil && d.Def.Encapsulate != "" {
			p = appendSubOptions(p, list, d.Def.Encapsulate)
		}
		if p == nil {
			p = []byte{}
		}
		o.payload[code] = p
		o.present.add(code)
		if d.AlwaysSend {
			o.always.add(code)
		}
		if d.NeverSend {
			o.never.add(code)
		}
		if code == 54 && len(p) == 4 {
			o.hasSID = true
			copy(o.serverID[:], p)
		}
	}
	o.vendors = newVendorSets(list)
	return o
}

// optionCode returns the dhcp4 code of an option-data entry.
func optionCode(d *config.OptionData) (uint8, bool) {
	var c uint16
	switch {
	case d.Code.Set:
		c = d.Code.V
	case d.Def != nil:
		c = d.Def.Code
	default:
		return 0, false
	}
	if c == 0 || c >= 255 {
		return 0, false
	}
	return uint8(c), true
}

// appendSubOptions appends the options of space found in the same scope as
// sub-options (one byte code, one byte length; longer ones split).
func appendSubOptions(p []byte, list []*config.OptionData, space string) []byte {
	seen := codeSet{}
	for _, s := range list {
		if s.Space != space {
			continue
		}
		c, ok := optionCode(s)
		if !ok || seen.has(c) {
			continue
		}
		seen.add(c)
		data := s.Payload
		for {
			n := len(data)
			if n > 255 {
				n = 255
			}
			p = append(p, c, byte(n))
			p = append(p, data[:n]...)
			data = data[n:]
			if len(data) == 0 {
				break
			}
		}
	}
	return p
}
