package server4

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
)

// vendorCableLabs is CableLabs' enterprise number: the only vendor whose
// sub-option 1 (DOCSIS ORO) Kea reads as the client's request list.
const (
	vendorCableLabs = 4491
	docsisORO       = 1
)

// vendorSpacePrefix names the option space of an enterprise number in
// option-data and option-def ("vendor-4491").
const vendorSpacePrefix = "vendor-"

// vendorSpaceID returns the enterprise number of a "vendor-<number>" space.
func vendorSpaceID(space string) (uint32, bool) {
	rest, ok := strings.CutPrefix(space, vendorSpacePrefix)
	if !ok || rest == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// newVendorSets compiles a scope's option-data of the vendor spaces: per
// enterprise number, the sub-options of option 125 (first entry of a code
// wins, as for the dhcp4 space).
func newVendorSets(list []*config.OptionData) map[uint32]*optSet {
	var m map[uint32]*optSet
	for _, d := range list {
		id, ok := vendorSpaceID(d.Space)
		if !ok {
			continue
		}
		code, ok := optionCode(d)
		if !ok {
			continue
		}
		if m == nil {
			m = map[uint32]*optSet{}
		}
		o := m[id]
		if o == nil {
			o = &optSet{}
			m[id] = o
		}
		if o.present.has(code) {
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
	}
	return m
}

// appendRequestedVendorOptions is Kea 2.2's appendRequestedVendorOptions:
// when the query carries option 125, the reply gets an option 125 for the
// same enterprise number with the sub-options the client asked for (the
// DOCSIS ORO, sub-option 1, of vendor 4491 only) and those marked
// always-send at any level, each from the first level that configures it
// in the "vendor-<number>" space, in ascending code order. Nothing is added
// when none of them is configured.
func (w *worker) appendRequestedVendorOptions() {
	if w.subnet == nil || len(w.levels) == 0 || w.r.Has(dhcp4.OptionVIVSO) {
		return
	}
	req, ok := w.q.Get(dhcp4.OptionVIVSO)
	if !ok || len(req) < 4 {
		return
	}
	id := binary.BigEndian.Uint32(req)
	var want codeSet
	if id == vendorCableLabs {
		want.addAll(vendorSubOption(req, docsisORO))
	}
	for _, o := range w.levels {
		if v := o.vendors[id]; v != nil {
			want.or(&v.always)
		}
	}
	if want.empty() {
		return
	}
	var sub []byte
	for i := 0; i < 4; i++ {
		word := want[i]
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			code := uint8(i*64 + b)
			for _, o := range w.levels {
				v := o.vendors[id]
				if v == nil || !v.present.has(code) {
					continue
				}
				sub = appendSub(sub, code, v.payload[code])
				break
			}
		}
	}
	if sub == nil || len(sub) > 255 {
		return
	}
	data := binary.BigEndian.AppendUint32(make([]byte, 0, 5+len(sub)), id)
	data = append(data, byte(len(sub)))
	w.r.Set(dhcp4.OptionVIVSO, append(data, sub...))
}

// appendSub appends one sub-option (code, length, data); longer data is
// cut at 255 octets.
func appendSub(p []byte, code uint8, data []byte) []byte {
	if len(data) > 255 {
		data = data[:255]
	}
	p = append(p, code, byte(len(data)))
	return append(p, data...)
}

// vendorSubOption returns the data of sub-option code in the first
// enterprise block of an option 125 payload.
func vendorSubOption(vivso []byte, code uint8) []byte {
	if len(vivso) < 5 {
		return nil
	}
	n := int(vivso[4])
	data := vivso[5:]
	if n < len(data) {
		data = data[:n]
	}
	for len(data) >= 2 {
		c, l := data[0], int(data[1])
		if 2+l > len(data) {
			return nil
		}
		if c == code {
			return data[2 : 2+l]
		}
		data = data[2+l:]
	}
	return nil
}
