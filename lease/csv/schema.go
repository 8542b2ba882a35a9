package csv

import (
	"fmt"
	"strings"
)

// Column is one column of a lease file: its name, the schema version that
// added it, and the value used for files written before it existed.
type Column struct {
	Name    string
	Version string
	Default string
}

// Schema is the ordered column list of one lease file kind.
type Schema struct {
	Family  int // 4 or 6
	Columns []Column
	// MinColumns is how many leading columns a file must have at least
	// (through "hostname", as Kea requires).
	MinColumns int
}

// Schema4 is the DHCPv4 lease file layout of Kea 2.6 (schema 3.0). Kea 2.2
// writes the first 11 columns (schema 2.1, no pool_id); Kea 1.x the first
// 9 or 10.
var Schema4 = &Schema{Family: 4, MinColumns: 9, Columns: []Column{
	{"address", "1.0", ""},
	{"hwaddr", "1.0", ""},
	{"client_id", "1.0", ""},
	{"valid_lifetime", "1.0", ""},
	{"expire", "1.0", ""},
	{"subnet_id", "1.0", ""},
	{"fqdn_fwd", "1.0", ""},
	{"fqdn_rev", "1.0", ""},
	{"hostname", "1.0", ""},
	{"state", "2.0", "0"},
	{"user_context", "2.1", ""},
	{"pool_id", "3.0", "0"},
}}

// Schema6 is the DHCPv6 lease file layout of Kea 2.6 (schema 5.0). Kea 2.2
// writes the first 17 columns (schema 4.0, no pool_id).
var Schema6 = &Schema{Family: 6, MinColumns: 12, Columns: []Column{
	{"address", "1.0", ""},
	{"duid", "1.0", ""},
	{"valid_lifetime", "1.0", ""},
	{"expire", "1.0", ""},
	{"subnet_id", "1.0", ""},
	{"pref_lifetime", "1.0", ""},
	{"lease_type", "1.0", ""},
	{"iaid", "1.0", ""},
	{"prefix_len", "1.0", ""},
	{"fqdn_fwd", "1.0", ""},
	{"fqdn_rev", "1.0", ""},
	{"hostname", "1.0", ""},
	{"hwaddr", "2.0", ""},
	{"state", "3.0", "0"},
	{"user_context", "3.1", ""},
	{"hwtype", "4.0", ""},
	{"hwaddr_source", "4.0", ""},
	{"pool_id", "5.0", "0"},
}}

// Header returns the header line (without newline) for the first n
// columns of the schema.
func (s *Schema) Header(n int) string {
	names := make([]string, n)
	for i := range n {
		names[i] = s.Columns[i].Name
	}
	return strings.Join(names, ",")
}

// Version returns the schema version of a file with the first n columns.
func (s *Schema) Version(n int) string { return s.Columns[n-1].Version }

// SchemaState compares a file's header with the schema, as Kea's
// VersionedCSVFile does.
type SchemaState int

const (
	Current        SchemaState = iota // same columns
	NeedsUpgrade                      // older file: fewer columns, defaults fill the rest
	NeedsDowngrade                    // newer file: extra columns are dropped
)

func (s SchemaState) String() string {
	switch s {
	case NeedsUpgrade:
		return "needs upgrade"
	case NeedsDowngrade:
		return "needs downgrade"
	}
	return "current"
}

// checkHeader validates a header against the schema. Names must match the
// schema's in order for as many columns as both have; a file must have at
// least MinColumns; extra trailing columns (a newer Kea's) are accepted.
func (s *Schema) checkHeader(names []string) (valid int, st SchemaState, err error) {
	n := min(len(names), len(s.Columns))
	for i := range n {
		if names[i] != s.Columns[i].Name {
			return 0, 0, fmt.Errorf("invalid header '%s': column %d is '%s', expected '%s'",
				strings.Join(names, ","), i+1, names[i], s.Columns[i].Name)
		}
	}
	if len(names) < s.MinColumns {
		return 0, 0, fmt.Errorf("invalid header '%s': too few columns (%d), at least %d required",
			strings.Join(names, ","), len(names), s.MinColumns)
	}
	switch {
	case len(names) < len(s.Columns):
		st = NeedsUpgrade
	case len(names) > len(s.Columns):
		st = NeedsDowngrade
	}
	return n, st, nil
}
