// Package option is Kea's option system: option definitions and spaces, the
// standard DHCPv4 and DHCPv6 definition tables held as data, every Kea data
// format, and the parsing of option-data values as Kea takes them.
//
// The wire packages (dhcp4, dhcp6) carry options as raw code+payload; this
// package gives the payload meaning.
package option

import (
	"fmt"
	"sort"
)

// Universe tells DHCPv4 options (1-byte code and length) from DHCPv6 options
// (2-byte code and length).
type Universe uint8

const (
	V4 Universe = 4
	V6 Universe = 6
)

func (u Universe) String() string {
	if u == V6 {
		return "v6"
	}
	return "v4"
}

// DataType is one of Kea's option data formats ("type" and "record-types" in
// an option-def entry).
type DataType uint8

const (
	TypeEmpty DataType = iota
	TypeBinary
	TypeBoolean
	TypeInt8
	TypeInt16
	TypeInt32
	TypeUint8
	TypeUint16
	TypeUint32
	TypeIPv4Address
	TypeIPv6Address
	TypeIPv6Prefix
	TypePSID
	TypeString
	TypeTuple
	TypeFQDN
	TypeRecord
	// TypeInternal marks an option whose payload has a layout of its own that
	// a special codec handles (classless static routes, client FQDN, vendor
	// options, DNR, ...). It cannot be named in an option-def.
	TypeInternal
)

var typeNames = [...]string{
	TypeEmpty:       "empty",
	TypeBinary:      "binary",
	TypeBoolean:     "boolean",
	TypeInt8:        "int8",
	TypeInt16:       "int16",
	TypeInt32:       "int32",
	TypeUint8:       "uint8",
	TypeUint16:      "uint16",
	TypeUint32:      "uint32",
	TypeIPv4Address: "ipv4-address",
	TypeIPv6Address: "ipv6-address",
	TypeIPv6Prefix:  "ipv6-prefix",
	TypePSID:        "psid",
	TypeString:      "string",
	TypeTuple:       "tuple",
	TypeFQDN:        "fqdn",
	TypeRecord:      "record",
	TypeInternal:    "internal",
}

// String returns Kea's name of the type.
func (t DataType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("DataType(%d)", uint8(t))
}

// ParseDataType maps Kea's type name to a DataType. "internal" is not a name
// a configuration may use, so it is not accepted.
func ParseDataType(name string) (DataType, bool) {
	for i, n := range typeNames {
		if n == name && DataType(i) != TypeInternal {
			return DataType(i), true
		}
	}
	return 0, false
}

// Definition describes one option: its code and name within a space, the
// format of its payload, and the space of its sub-options, if any.
type Definition struct {
	Name  string
	Code  uint16
	Space string
	Type  DataType
	// RecordTypes lists the fields of a TypeRecord option in order.
	RecordTypes []DataType
	// Array means the value (for a record: its last field) repeats.
	Array bool
	// Encapsulate names the space of the sub-options carried after the
	// payload ("" when there are none).
	Encapsulate string
}

// Space is a named set of option definitions, such as "dhcp4", "dhcp6",
// "vendor-encapsulated-options-space" or "vendor-4491".
type Space struct {
	Name     string
	Universe Universe
	byCode   map[uint16]*Definition
	byName   map[string]*Definition
}

// ByCode returns the definition with the code, or nil.
func (s *Space) ByCode(code uint16) *Definition {
	if s == nil {
		return nil
	}
	return s.byCode[code]
}

// ByName returns the definition with the name, or nil.
func (s *Space) ByName(name string) *Definition {
	if s == nil {
		return nil
	}
	return s.byName[name]
}

// Definitions returns the space's definitions ordered by code.
func (s *Space) Definitions() []*Definition {
	out := make([]*Definition, 0, len(s.byCode))
	for _, d := range s.byCode {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// DefSet is the set of spaces of one universe. The standard sets are built
// once and shared read-only; a configuration's custom option-def entries go
// into a Clone.
type DefSet struct {
	Universe Universe
	spaces   map[string]*Space
}

// NewDefSet returns an empty set for the universe.
func NewDefSet(u Universe) *DefSet {
	return &DefSet{Universe: u, spaces: make(map[string]*Space)}
}

// Space returns the named space, or nil.
func (ds *DefSet) Space(name string) *Space { return ds.spaces[name] }

// SpaceNames returns the names of the spaces in the set, sorted.
func (ds *DefSet) SpaceNames() []string {
	out := make([]string, 0, len(ds.spaces))
	for n := range ds.spaces {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the definition of code in space, or nil.
func (ds *DefSet) Lookup(space string, code uint16) *Definition {
	return ds.spaces[space].ByCode(code)
}

// LookupName returns the definition called name in space, or nil.
func (ds *DefSet) LookupName(space, name string) *Definition {
	return ds.spaces[space].ByName(name)
}

// Add puts d into its space, creating the space. It fails when the space
// already has the code or the name.
func (ds *DefSet) Add(d *Definition) error {
	sp := ds.spaces[d.Space]
	if sp == nil {
		sp = &Space{Name: d.Space, Universe: ds.Universe,
			byCode: make(map[uint16]*Definition), byName: make(map[string]*Definition)}
		ds.spaces[d.Space] = sp
	}
	if _, dup := sp.byCode[d.Code]; dup {
		return fmt.Errorf("option definition with code '%d' already exists in option space '%s'", d.Code, d.Space)
	}
	if _, dup := sp.byName[d.Name]; dup {
		return fmt.Errorf("option definition with name '%s' already exists in option space '%s'", d.Name, d.Space)
	}
	sp.byCode[d.Code] = d
	sp.byName[d.Name] = d
	return nil
}

// Clone returns a set that shares the definitions but can take new ones
// without changing ds.
func (ds *DefSet) Clone() *DefSet {
	c := NewDefSet(ds.Universe)
	for name, sp := range ds.spaces {
		nsp := &Space{Name: name, Universe: sp.Universe,
			byCode: make(map[uint16]*Definition, len(sp.byCode)),
			byName: make(map[string]*Definition, len(sp.byName))}
		for k, v := range sp.byCode {
			nsp.byCode[k] = v
		}
		for k, v := range sp.byName {
			nsp.byName[k] = v
		}
		c.spaces[name] = nsp
	}
	return c
}
