package option

import (
	"fmt"
	"strings"
)

// DataSpec is one option-data entry as written in a configuration.
type DataSpec struct {
	Name string
	// Code is nil when the entry has no "code".
	Code *int
	// Space is "" when the entry has no "space": "dhcp4" or "dhcp6" by
	// universe.
	Space string
	// CSVFormat is nil when the entry has no "csv-format": true.
	CSVFormat *bool
	Data      string
	// AlwaysSend and NeverSend are carried for the caller; they do not
	// change how the entry resolves.
	AlwaysSend, NeverSend bool
}

// Resolve finds the definition of an option-data entry in defs (the
// standard set plus the configuration's option-def entries) and encodes its
// data, following Kea's OptionDataParser:
//
//   - the option is named by code or by name; with both, the name must be
//     the definition's;
//   - codes go up to 255 in DHCPv4 and 65535 in DHCPv6; 0 and 255 are PAD
//     and END in "dhcp4", 0 is reserved in "dhcp6";
//   - csv-format defaults to true, and Kea applies that default before it
//     looks at the entry, so an option without a definition needs an
//     explicit "csv-format": false (its data is then hex) and a "code";
//   - "dhcp4" is refused in a DHCPv6 configuration and "dhcp6" in a DHCPv4
//     one.
//
// For an option without a definition the returned Definition is not in
// defs: it has the code and space, an empty Name and TypeBinary. Errors
// are Kea's messages, without position; the caller appends " (file:line)".
func Resolve(defs *DefSet, spec DataSpec) (*Definition, []byte, error) {
	u := defs.Universe
	if spec.Name != "" && strings.Contains(spec.Name, " ") {
		return nil, nil, fmt.Errorf("invalid option name '%s', space character is not allowed", spec.Name)
	}
	code := 0
	if spec.Code != nil {
		code = *spec.Code
		switch {
		case code < 0:
			return nil, nil, fmt.Errorf("invalid option code '%d'", code)
		case u == V4 && code > 255:
			return nil, nil, fmt.Errorf("invalid option code '%d', it must not be greater than '255'", code)
		case u == V6 && code > 65535:
			return nil, nil, fmt.Errorf("invalid option code '%d', it must not exceed '65535'", code)
		}
	}
	space := spec.Space
	if space == "" {
		space = topSpace(u)
	} else {
		if !ValidSpaceName(space) {
			return nil, nil, fmt.Errorf("invalid option space name '%s'", space)
		}
		if space == "dhcp4" && u == V6 {
			return nil, nil, fmt.Errorf("'dhcp4' option space name is reserved for DHCPv4 server")
		}
		if space == "dhcp6" && u == V4 {
			return nil, nil, fmt.Errorf("'dhcp6' option space name is reserved for DHCPv6 server")
		}
	}
	if spec.Code == nil && spec.Name == "" {
		return nil, nil, fmt.Errorf("option data configuration requires one of 'code' or 'name' parameters to be specified")
	}
	var def *Definition
	if spec.Code != nil {
		def = defs.Lookup(space, uint16(code))
	} else {
		def = defs.LookupName(space, spec.Name)
	}
	csv := spec.CSVFormat == nil || *spec.CSVFormat
	if def == nil {
		if csv {
			return nil, nil, fmt.Errorf("definition for the option '%s.%s' having code '%d' does not exist", space, spec.Name, code)
		}
		if spec.Code == nil {
			return nil, nil, fmt.Errorf("definition for the option '%s.%s' does not exist", space, spec.Name)
		}
	}
	if def != nil && spec.Name != "" && def.Name != spec.Name && defs.LookupName(space, spec.Name) != def {
		return nil, nil, fmt.Errorf("specified option name '%s' does not match the option definition: '%s.%s'", spec.Name, space, def.Name)
	}
	var payload []byte
	if def == nil {
		bin, err := DecodeHexData(spec.Data)
		if err != nil {
			return nil, nil, err
		}
		def = &Definition{Code: uint16(code), Space: space, Type: TypeBinary}
		payload = bin
	} else {
		if !csv {
			// Kea reports bad hex before it looks at the definition.
			if _, err := DecodeHexData(spec.Data); err != nil {
				return nil, nil, err
			}
		}
		p, err := def.ParseDataIn(u, spec.Data, csv)
		if err != nil {
			return nil, nil, fmt.Errorf("option data does not match option definition (space: %s, code: %d): %v", space, def.Code, err)
		}
		payload = p
	}
	switch {
	case space == "dhcp4" && def.Code == 0:
		return nil, nil, fmt.Errorf("invalid option code '0': reserved for PAD")
	case space == "dhcp4" && def.Code == 255:
		return nil, nil, fmt.Errorf("invalid option code '255': reserved for END")
	case space == "dhcp6" && def.Code == 0:
		return nil, nil, fmt.Errorf("invalid option code '0': reserved value")
	}
	return def, payload, nil
}

func topSpace(u Universe) string {
	if u == V6 {
		return "dhcp6"
	}
	return "dhcp4"
}
