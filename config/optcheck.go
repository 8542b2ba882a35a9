package config

import (
	"strings"

	"github.com/nestordhcp/nestor/option"
)

// checkOptionDef checks one option-def entry and returns its definition.
// inClass restricts DHCPv4 codes to 43 and 224-254, as Kea does for
// definitions inside a client class.
func (d *decoder) checkOptionDef(def *OptionDef, inClass bool) (*option.Definition, *Error) {
	at := def.pos
	if !validOptionName(def.Name) {
		return nil, cfgErr(at, "invalid option name '%s'", def.Name)
	}
	if d.family == 4 && def.Space == "dhcp4" {
		if def.Code == 0 || def.Code == 255 {
			return nil, cfgErr(at, "invalid option code '%d': reserved for PAD/END", def.Code)
		}
		if def.Code > 255 {
			return nil, cfgErr(at, "invalid option code '%d', it must not be greater than '255'", def.Code)
		}
	}
	if d.family == 4 && def.Code > 255 {
		return nil, cfgErr(at, "invalid option code '%d', it must not be greater than '255'", def.Code)
	}
	if inClass && d.family == 4 && def.Space == "dhcp4" && def.Code != 43 && (def.Code < 224 || def.Code > 254) {
		return nil, cfgErr(at, "Not allowed option definition for code '%d' in space '%s' at", def.Code, def.Space)
	}
	t, ok := option.ParseDataType(def.Type)
	if !ok {
		return nil, cfgErr(at, "option type %d not supported.", 18)
	}
	od := &option.Definition{Name: def.Name, Code: def.Code, Space: def.Space, Type: t,
		Array: def.Array, Encapsulate: def.Encapsulate}
	if t == option.TypeRecord {
		if strings.TrimSpace(def.RecordTypes) == "" {
			return nil, cfgErr(at, "invalid number of data fields: 0 specified for the option of type 'record'. Expected at least 2 fields.")
		}
		for _, f := range strings.Split(def.RecordTypes, ",") {
			ft, ok := option.ParseDataType(strings.TrimSpace(f))
			if !ok || ft == option.TypeRecord || ft == option.TypeEmpty {
				return nil, cfgErr(at, "invalid record field type '%s'", strings.TrimSpace(f))
			}
			od.RecordTypes = append(od.RecordTypes, ft)
		}
	} else if strings.TrimSpace(def.RecordTypes) != "" {
		return nil, cfgErr(at, "record-types may only be given for an option of type record")
	}
	if def.Array && (t == option.TypeEmpty || t == option.TypeString || t == option.TypeBinary) {
		return nil, cfgErr(at, "array of strings, binary or empty options is not supported")
	}
	if def.Encapsulate != "" && !validOptionName(def.Encapsulate) {
		return nil, cfgErr(at, "invalid encapsulated option space name: '%s'", def.Encapsulate)
	}
	if option.IsStandard(d.universe(), def.Space, def.Code) {
		return nil, cfgErr(at, "unable to override definition of option '%d' in standard option space '%s'", def.Code, def.Space)
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

func validOptionName(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// resolveOptions finds each entry's definition in defs and computes its
// payload, with Kea's error messages.
func (d *decoder) resolveOptions(list []*OptionData, defs *option.DefSet) {
	if d.failed() {
		return
	}
	u := option.V4
	if d.family == 6 {
		u = option.V6
	}
	for _, od := range list {
		var def *option.Definition
		switch {
		case od.Name.Set:
			def = defs.LookupName(lookupSpace(od.Space), od.Name.V)
			if def == nil {
				code := 0
				if od.Code.Set {
					code = int(od.Code.V)
				}
				d.fail(cfgErr(od.namePos, "definition for the option '%s.%s' having code '%d' does not exist", od.Space, od.Name.V, code))
				return
			}
			if od.Code.Set && def.Code != od.Code.V {
				d.fail(cfgErr(od.pos, "option '%s.%s' has code '%d', not '%d'", od.Space, od.Name.V, def.Code, od.Code.V))
				return
			}
		default:
			def = defs.Lookup(lookupSpace(od.Space), od.Code.V)
		}
		od.Def = def
		if def == nil {
			if od.CSVFormat.Set && od.CSVFormat.V {
				d.fail(cfgErr(od.pos, "definition for the option '%s.%d' does not exist, so the data must be given in hex with csv-format false", od.Space, od.Code.V))
				return
			}
			b, err := option.DecodeHexData(od.Data)
			if err != nil {
				d.fail(cfgErr(od.dataPos, "option data is not a valid string of hexadecimal digits: %s", od.Data))
				return
			}
			od.Payload = b
			continue
		}
		if !od.Code.Set {
			od.Code = Some(def.Code)
		}
		if !od.Name.Set {
			od.Name = Some(def.Name)
		}
		csv := od.CSVFormat.Or(true)
		if !csv {
			b, err := option.DecodeHexData(od.Data)
			if err != nil {
				d.fail(cfgErr(od.dataPos, "option data is not a valid string of hexadecimal digits: %s", od.Data))
				return
			}
			od.Payload = b
			continue
		}
		b, err := def.ParseDataIn(u, od.Data, true)
		if err != nil {
			d.fail(cfgErr(od.dataPos, "option data does not match option definition (space: %s, code: %d): %v", od.Space, def.Code, err))
			return
		}
		od.Payload = b
	}
}
