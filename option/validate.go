package option

import (
	"fmt"
	"strings"
)

// validName is Kea's rule for option and option space names: letters,
// digits, '-' and '_', not empty, and no '-' or '_' at either end.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return !strings.ContainsAny(s[:1], "-_") && !strings.ContainsAny(s[len(s)-1:], "-_")
}

// ValidSpaceName reports whether Kea accepts name as an option space name.
func ValidSpaceName(name string) bool { return validName(name) }

// ParseRecordTypes reads an option-def "record-types" value: type names
// separated by commas, blanks around them and empty entries ignored.
func ParseRecordTypes(s string) ([]DataType, error) {
	var out []DataType
	for _, f := range strings.Split(s, ",") {
		f = trim(f)
		if f == "" {
			continue
		}
		t, ok := ParseDataType(f)
		if !ok {
			return nil, fmt.Errorf("invalid record type values specified for the option definition: attempted to add invalid data type 'unknown' to the record.")
		}
		out = append(out, t)
	}
	return out, nil
}

// ValidateDefinition checks an option-def entry of universe u as Kea's
// option-def parser does: code range (PAD/END in "dhcp4", 0 in "dhcp6"),
// name and space syntax, the type and record fields, array and
// encapsulation rules, and, when std is not nil, that it does not redefine
// an option Kea refuses to redefine (see IsStandard: the top-level spaces,
// the relay agent and s46 spaces; option 43 in "dhcp4" excepted, as Kea's
// definition of it is only a last resort).
func ValidateDefinition(u Universe, d *Definition, std *DefSet) error {
	switch {
	case u == V4 && d.Space == "dhcp4" && d.Code == 0:
		return fmt.Errorf("invalid option code '0': reserved for PAD")
	case u == V4 && d.Space == "dhcp4" && d.Code == 255:
		return fmt.Errorf("invalid option code '255': reserved for END")
	case u == V4 && d.Code > 255:
		return fmt.Errorf("invalid option code '%d', it must not be greater than '255'", d.Code)
	case u == V6 && d.Space == "dhcp6" && d.Code == 0:
		return fmt.Errorf("invalid option code '0': reserved value")
	}
	if !validName(d.Name) {
		return fmt.Errorf("invalid option name '%s'", d.Name)
	}
	if !validName(d.Space) {
		return fmt.Errorf("invalid option space name '%s'", d.Space)
	}
	if d.Encapsulate != "" && !validName(d.Encapsulate) {
		return fmt.Errorf("invalid encapsulated option space name: '%s'", d.Encapsulate)
	}
	if d.Type >= TypeInternal {
		return fmt.Errorf("option type %s not supported.", d.Type)
	}
	if d.Type != TypeRecord && len(d.RecordTypes) > 0 {
		return fmt.Errorf("invalid record type values specified for the option definition: 'record' option type must be used instead of '%s' to add data fields to the record", d.Type)
	}
	if err := validateLayout(d); err != nil {
		return err
	}
	if d.Encapsulate != "" {
		if d.Array {
			return fmt.Errorf("option '%s.%s', comprising an array of data fields may not encapsulate any option space", d.Space, d.Name)
		}
		if d.Encapsulate == d.Space {
			return fmt.Errorf("option must not encapsulate an option space it belongs to: '%s.%s' is set to encapsulate '%s'", d.Space, d.Name, d.Space)
		}
	}
	if std != nil {
		if IsStandard(u, d.Space, d.Code) {
			return fmt.Errorf("unable to override definition of option '%d' in standard option space '%s'", d.Code, d.Space)
		}
		if IsStandardName(u, d.Space, d.Name) {
			return fmt.Errorf("unable to override definition of option '%s' in standard option space '%s'", d.Name, d.Space)
		}
	}
	return nil
}

func validateLayout(d *Definition) error {
	if d.Type != TypeRecord {
		if d.Array {
			switch d.Type {
			case TypeString:
				return fmt.Errorf("array of strings is not a valid option definition.")
			case TypeBinary:
				return fmt.Errorf("array of binary values is not a valid option definition.")
			case TypeEmpty:
				return fmt.Errorf("array of empty value is not a valid option definition.")
			}
		}
		return nil
	}
	for _, t := range d.RecordTypes {
		if t == TypeRecord || t == TypeEmpty || t >= TypeInternal {
			return fmt.Errorf("invalid record type values specified for the option definition: attempted to add invalid data type '%s' to the record.", t)
		}
	}
	n := len(d.RecordTypes)
	if n < 2 {
		return fmt.Errorf("invalid number of data fields: %d specified for the option of type 'record'. Expected at least 2 fields.", n)
	}
	for _, t := range d.RecordTypes[:n-1] {
		switch t {
		case TypeString:
			return fmt.Errorf("string data field can't be laid before data fields of other types.")
		case TypeBinary:
			return fmt.Errorf("binary data field can't be laid before data fields of other types.")
		}
	}
	if d.Array {
		switch d.RecordTypes[n-1] {
		case TypeString:
			return fmt.Errorf("array of strings is not a valid option definition.")
		case TypeBinary:
			return fmt.Errorf("array of binary values is not a valid option definition.")
		}
	}
	return nil
}
