package config

import (
	"strings"

	"github.com/nestordhcp/nestor/option"
)

// Option-def and option-data entries are checked by package option
// (ValidateDefinition, Resolve), which words errors as Kea does; this file
// places each error at the element Kea names.

// checkOptionDef checks one option-def entry and returns its definition.
// inClass restricts DHCPv4 codes to 43 and 224-254, as Kea does for
// definitions inside a client class.
func (d *decoder) checkOptionDef(def *OptionDef, inClass bool) (*option.Definition, *Error) {
	u := d.universe()
	if inClass && d.family == 4 && def.Space == "dhcp4" && def.Code != 43 && (def.Code < 224 || def.Code > 254) {
		return nil, cfgErr(def.pos, "Not allowed option definition for code '%d' in space '%s' at", def.Code, def.Space)
	}
	t, known := option.ParseDataType(def.Type)
	od := &option.Definition{Name: def.Name, Code: def.Code, Space: def.Space, Type: t,
		Array: def.Array, Encapsulate: def.Encapsulate}
	if !known {
		// Kea keeps an unknown type name as its "unknown" type (18) and
		// refuses it when it validates the definition, after the other
		// checks; a neutral type lets those run first.
		od.Type = option.TypeUint8
	}
	if rt, err := option.ParseRecordTypes(def.RecordTypes); err != nil {
		return nil, cfgErr(def.recordTypesPos, "%s", err.Error())
	} else {
		od.RecordTypes = rt
	}
	if err := option.ValidateDefinition(u, od, option.Standard(u)); err != nil {
		msg := err.Error()
		at := def.pos
		switch {
		case strings.HasPrefix(msg, "invalid option code"):
			at = def.codePos
		case strings.HasPrefix(msg, "invalid option space name"):
			at = def.spacePos
		case strings.HasPrefix(msg, "invalid record type values"):
			at = def.recordTypesPos
		}
		return nil, cfgErr(at, "%s", msg)
	}
	if !known {
		return nil, cfgErr(def.pos, "option type 18 not supported.")
	}
	return od, nil
}

func (d *decoder) universe() option.Universe {
	if d.family == 6 {
		return option.V6
	}
	return option.V4
}

// lookupSpace maps Kea's internal names of vendor spaces, which some
// configurations use ("docsis3-v4" in Kea's all-options.json), to the
// names the definition tables use.
func lookupSpace(space string) string {
	switch space {
	case "docsis3-v4", "docsis3-v6":
		return option.SpaceDOCSIS
	}
	return space
}

// resolveOptions finds each entry's definition in defs and computes its
// payload (option.Resolve), placing Kea's error at the element Kea names.
func (d *decoder) resolveOptions(list []*OptionData, defs *option.DefSet) {
	if d.failed() {
		return
	}
	for _, od := range list {
		spec := option.DataSpec{Name: od.Name.V, Data: od.Data, AlwaysSend: od.AlwaysSend, NeverSend: od.NeverSend}
		if od.spaceSet {
			spec.Space = lookupSpace(od.Space)
		}
		if od.rawCode != nil {
			c := int(*od.rawCode)
			spec.Code = &c
		}
		if od.CSVFormat.Set {
			v := od.CSVFormat.V
			spec.CSVFormat = &v
		}
		def, payload, err := option.Resolve(defs, spec)
		if err != nil {
			msg := err.Error()
			at := od.pos
			switch {
			case strings.HasPrefix(msg, "invalid option name"), strings.HasPrefix(msg, "definition for the option"),
				strings.HasPrefix(msg, "specified option name"):
				at = od.namePos
			case strings.HasPrefix(msg, "invalid option code") && !strings.Contains(msg, "reserved"):
				at = od.codePos
			case strings.Contains(msg, "option space name"):
				at = od.spacePos
			case strings.HasPrefix(msg, "option data") && !strings.HasPrefix(msg, "option data configuration"):
				at = od.dataPos
			}
			d.fail(cfgErr(at, "%s", msg))
			return
		}
		od.Payload = payload
		if def.Name == "" && defs.Lookup(def.Space, def.Code) != def {
			// A code without definition, given as hex.
			continue
		}
		od.Def = def
		if !od.Code.Set {
			od.Code = Some(def.Code)
		}
		if !od.Name.Set {
			od.Name = Some(def.Name)
		}
	}
}
