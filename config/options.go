package config

import (
	"github.com/nestordhcp/nestor/option"
)

// OptionData is an option-data entry as written, plus what checking it
// found: the definition it uses and its wire payload.
type OptionData struct {
	Name       Opt[string]
	Code       Opt[uint16]
	Space      string // "dhcp4" / "dhcp6" when not written
	Data       string
	CSVFormat  Opt[bool]
	AlwaysSend bool
	NeverSend  bool
	// UserContext includes "comment" as Kea stores it.
	UserContext *Node

	// Positions of the name, code, space and data values, where Kea
	// reports problems with them.
	namePos, codePos, spacePos, dataPos Pos
	// rawCode is the code as written (nil when absent), range-checked by
	// option.Resolve; spaceSet records an explicit "space".
	rawCode  *int64
	spaceSet bool

	// Def is the definition the entry was checked against (nil for a code
	// without definition, given as hex).
	Def *option.Definition
	// Payload is the option's wire data (without code and length).
	Payload []byte

	pos Pos
}

// Pos is where the entry is in the configuration file.
func (o *OptionData) Pos() Pos { return o.pos }

// OptionDef is an option-def entry.
type OptionDef struct {
	Name        string
	Code        uint16
	Type        string
	RecordTypes string
	Space       string
	Encapsulate string
	Array       bool
	UserContext *Node

	pos, codePos, spacePos, recordTypesPos Pos
}

// Pos is where the entry is in the configuration file.
func (o *OptionDef) Pos() Pos { return o.pos }

// readOptionDataList reads the "option-data" list of r's map; entries are
// checked against the definitions later (checkOptions), once every
// option-def of the configuration is known.
func (d *decoder) readOptionDataList(r *reader) []*OptionData {
	l := r.get("option-data")
	if l == nil {
		return nil
	}
	out := make([]*OptionData, 0, len(l.Items))
	for _, it := range l.Items {
		rr := newReader(it)
		od := &OptionData{pos: it.Pos(), Space: d.defaultSpace}
		rr.str("name", &od.Name)
		if c := it.Get("code"); c != nil {
			v := c.Int
			od.rawCode = &v
			if v >= 0 && v <= 65535 {
				od.Code = Some(uint16(v))
			}
		}
		var s, data Opt[string]
		rr.str("space", &s)
		if s.Set {
			od.Space, od.spaceSet = s.V, true
		}
		rr.str("data", &data)
		od.Data = data.V
		rr.bool("csv-format", &od.CSVFormat)
		var as, ns Opt[bool]
		rr.bool("always-send", &as)
		rr.bool("never-send", &ns)
		od.AlwaysSend, od.NeverSend = as.V, ns.V
		od.namePos, od.codePos, od.spacePos, od.dataPos = rr.pos("name"), rr.pos("code"), rr.pos("space"), rr.pos("data")
		od.UserContext = rr.userContext()
		if rr.err != nil {
			r.fail(rr.err)
			return nil
		}
		out = append(out, od)
	}
	return out
}

// readOptionDefList reads the "option-def" list of r's map.
func (d *decoder) readOptionDefList(r *reader) []*OptionDef {
	l := r.get("option-def")
	if l == nil {
		return nil
	}
	out := make([]*OptionDef, 0, len(l.Items))
	for _, it := range l.Items {
		rr := newReader(it)
		def := &OptionDef{pos: it.Pos(), Space: d.defaultSpace}
		var name, typ, rt, sp, enc Opt[string]
		var arr Opt[bool]
		rr.str("name", &name)
		rr.str("type", &typ)
		rr.str("record-types", &rt)
		rr.str("space", &sp)
		rr.str("encapsulate", &enc)
		rr.bool("array", &arr)
		def.Name, def.Type, def.RecordTypes, def.Encapsulate, def.Array = name.V, typ.V, rt.V, enc.V, arr.V
		if sp.Set {
			def.Space = sp.V
		}
		if c := it.Get("code"); c != nil {
			if c.Int < 0 || c.Int > 65535 {
				rr.errorf(c.Pos(), "out of range value (%d) specified for parameter 'code'", c.Int)
			}
			def.Code = uint16(c.Int)
		}
		def.codePos, def.spacePos, def.recordTypesPos = rr.pos("code"), rr.pos("space"), rr.pos("record-types")
		def.UserContext = rr.userContext()
		if rr.err != nil {
			r.fail(rr.err)
			return nil
		}
		out = append(out, def)
	}
	return out
}
