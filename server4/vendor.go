package server4

import (
	"encoding/binary"
	"math/bits"
	"slices"
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

// appendRequestedVendorOptions is Kea 2.6's appendRequestedVendorOptions,
// for every enterprise number of the query's option 125 (RFC 3925 lets
// one option, or its RFC 3396 instances, carry several vendors), of its
// option 124 (vendor classes) and of an option 125 already in the reply: per enterprise number, in ascending
// order, the sub-options the client asked for (the DOCSIS ORO,
// sub-option 1, of vendor 4491 only) and those marked always-send at any
// level, each from the first level that configures it in the
// "vendor-<number>" space, in ascending code order. A vendor block already
// in the reply gets the sub-options it lacks; a new block is added when at
// least one of them is configured. Vendors the configuration does not
// know get nothing back.
func (w *worker) appendRequestedVendorOptions() {
	if w.subnet == nil || len(w.levels) == 0 {
		return
	}
	req, _ := w.q.Get(dhcp4.OptionVIVSO)
	reqBlocks := vendorBlocks(req)
	resp, _ := w.r.Get(dhcp4.OptionVIVSO)
	respBlocks := vendorBlocks(resp)
	// The query's option 124 names vendors too (same enterprise, length,
	// data layout).
	vivco, _ := w.q.Get(dhcp4.OptionVIVCO)
	classBlocks := vendorBlocks(vivco)
	if len(reqBlocks) == 0 && len(respBlocks) == 0 && len(classBlocks) == 0 {
		return
	}
	ids := make([]uint32, 0, len(reqBlocks)+len(respBlocks)+len(classBlocks))
	for _, b := range append(append(append([]vendorBlock(nil), respBlocks...), reqBlocks...), classBlocks...) {
		if !slices.Contains(ids, b.id) {
			ids = append(ids, b.id)
		}
	}
	slices.Sort(ids)
	changed := false
	var added []vendorBlock
	for _, id := range ids {
		var want codeSet
		if id == vendorCableLabs {
			for _, b := range reqBlocks {
				if b.id == id {
					want.addAll(subOptionData(b.data, docsisORO))
					break
				}
			}
		}
		for _, o := range w.levels {
			if v := o.vendors[id]; v != nil {
				want.or(&v.always)
			}
		}
		if want.empty() {
			continue
		}
		existing := -1
		for i, b := range respBlocks {
			if b.id == id {
				existing = i
				break
			}
		}
		var have []byte
		if existing >= 0 {
			have = respBlocks[existing].data
		}
		sub := append([]byte(nil), have...)
		grew := false
		for i := 0; i < 4; i++ {
			word := want[i]
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &^= 1 << b
				code := uint8(i*64 + b)
				if hasSubOption(have, code) {
					continue
				}
				for _, o := range w.levels {
					v := o.vendors[id]
					if v == nil || !v.present.has(code) {
						continue
					}
					sub = appendSub(sub, code, v.payload[code])
					grew = true
					break
				}
			}
		}
		if !grew || len(sub) > 255 {
			continue
		}
		if existing >= 0 {
			respBlocks[existing].data = sub
		} else {
			added = append(added, vendorBlock{id: id, data: sub})
		}
		changed = true
	}
	if !changed {
		return
	}
	var data []byte
	for _, b := range append(respBlocks, added...) {
		data = binary.BigEndian.AppendUint32(data, b.id)
		data = append(data, byte(len(b.data)))
		data = append(data, b.data...)
	}
	w.r.Set(dhcp4.OptionVIVSO, data)
}

// vendorBlock is one enterprise number's part of an option 125 payload.
type vendorBlock struct {
	id   uint32
	data []byte
}

// vendorBlocks splits an option 125 payload into its enterprise blocks
// (enterprise number, length, sub-options); a truncated block ends it.
func vendorBlocks(p []byte) []vendorBlock {
	var out []vendorBlock
	for len(p) >= 5 {
		n := int(p[4])
		if 5+n > len(p) {
			break
		}
		out = append(out, vendorBlock{id: binary.BigEndian.Uint32(p), data: p[5 : 5+n]})
		p = p[5+n:]
	}
	return out
}

// hasSubOption reports whether a sub-option list holds code (with any
// length, empty included).
func hasSubOption(data []byte, code uint8) bool {
	for len(data) >= 2 && 2+int(data[1]) <= len(data) {
		if data[0] == code {
			return true
		}
		data = data[2+int(data[1]):]
	}
	return false
}

// subOptionData returns the data of sub-option code in a sub-option list
// (nil when absent).
func subOptionData(data []byte, code uint8) []byte {
	for len(data) >= 2 && 2+int(data[1]) <= len(data) {
		if data[0] == code {
			return data[2 : 2+int(data[1])]
		}
		data = data[2+int(data[1]):]
	}
	return nil
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
