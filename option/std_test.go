package option

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// armDir is the ARM's location relative to this package in the shared
// checkout.
const armDir = "../../shared/spec/arm"

// armDeviations maps an ARM table row, written as canon writes it, to the
// definition Nestor has instead. Each entry is a deliberate choice,
// explained on the table row in std4.go, std6.go or stdspaces.go.
var armDeviations = map[string]string{
	// Kea: domain-name is a string on the wire (RFC 2132), not DNS wire format.
	"v4 dhcp4 domain-name/15/fqdn": "v4 dhcp4 domain-name/15/string",
	// Kea's name in every release; the ARM spelling stays as an alias.
	"v4 dhcp4 nds-server/85/ipv4-address/array": "v4 dhcp4 nds-servers/85/ipv4-address/array",
	// One octet; Kea defines it uint8.
	"v4 dhcp4 dhcp-message-type/53/string": "v4 dhcp4 dhcp-message-type/53/uint8",
	// The ARM's own DNR syntax needs Kea 2.6's internal type.
	"v4 dhcp4 v4-dnr/162/record(uint16,uint16,uint8,fqdn,binary)": "v4 dhcp4 v4-dnr/162/internal",
	"v6 dhcp6 v6-dnr/144/record(uint16,uint16,fqdn,binary)":       "v6 dhcp6 v6-dnr/144/internal",
	// Kea's names; the ARM's spellings stay as aliases.
	"v6 dhcp6 client-id/1": "v6 dhcp6 clientid/1",
	"v6 dhcp6 server-id/2": "v6 dhcp6 serverid/2",
	// The ARM's DHCPv6 DOCSIS table repeats the DHCPv4 one; Kea's DHCPv6
	// set has device-type at 2 and tftp-servers at 32.
	"v6 vendor-4491 tftp-servers/2": "v6 vendor-4491 device-type/2",
}

// canon writes a definition the way the ARM tables give one. Untyped rows
// (the ARM gives no type) leave typ empty.
func canon(u Universe, space, name string, code uint16, typ string, array bool) string {
	s := fmt.Sprintf("%v %s %s/%d", u, space, name, code)
	if typ != "" {
		s += "/" + typ
	}
	if array {
		s += "/array"
	}
	return s
}

func canonDef(u Universe, d *Definition, typed bool) string {
	typ := ""
	if typed {
		typ = d.Type.String()
		if d.Type == TypeRecord {
			names := make([]string, len(d.RecordTypes))
			for i, t := range d.RecordTypes {
				names[i] = t.String()
			}
			typ = "record(" + strings.Join(names, ",") + ")"
		}
	}
	return canon(u, d.Space, d.Name, d.Code, typ, typed && d.Array)
}

// gridTable is one reStructuredText grid table: its header cells and rows.
type gridTable struct {
	header []string
	rows   [][]string
}

// findGridTable returns the first grid table after the first line holding
// marker. Cells continued over several lines are joined with a space.
func findGridTable(lines []string, marker string) (gridTable, error) {
	var t gridTable
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, marker) })
	if i < 0 {
		return t, fmt.Errorf("marker %q not found", marker)
	}
	for i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "+-") {
		i++
	}
	var cur []string
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(l, "+="):
			t.header, cur = cur, nil
		case strings.HasPrefix(l, "+-"):
			if cur != nil {
				t.rows = append(t.rows, cur)
				cur = nil
			}
		case strings.HasPrefix(l, "|"):
			cells := strings.Split(strings.Trim(l, "|"), "|")
			if cur == nil {
				cur = make([]string, len(cells))
			}
			if len(cells) != len(cur) {
				return t, fmt.Errorf("line %d: %d cells, want %d", i+1, len(cells), len(cur))
			}
			for k, c := range cells {
				cur[k] = strings.TrimSpace(cur[k] + " " + strings.TrimSpace(c))
			}
		default:
			if len(t.rows) == 0 {
				return t, fmt.Errorf("table after %q has no rows", marker)
			}
			return t, nil
		}
	}
	return t, nil
}

// armType parses an ARM type cell: "uint8", "record (uint8, fqdn)",
// "uint8 array". It returns canon's spelling and whether it is an array.
func armType(cell string) (string, bool, error) {
	s := strings.Join(strings.Fields(cell), " ")
	array := false
	if t, ok := strings.CutSuffix(s, " array"); ok {
		s, array = t, true
	}
	if rest, ok := strings.CutPrefix(s, "record"); ok {
		inner := strings.TrimSpace(rest)
		if !strings.HasPrefix(inner, "(") || !strings.HasSuffix(inner, ")") {
			return "", false, fmt.Errorf("bad record type %q", cell)
		}
		var names []string
		for _, f := range strings.Split(inner[1:len(inner)-1], ",") {
			f = strings.TrimSpace(f)
			if _, ok := ParseDataType(f); !ok {
				return "", false, fmt.Errorf("bad record field %q in %q", f, cell)
			}
			names = append(names, f)
		}
		return "record(" + strings.Join(names, ",") + ")", array, nil
	}
	if _, ok := ParseDataType(s); !ok && s != "internal" {
		return "", false, fmt.Errorf("bad type %q", cell)
	}
	return s, array, nil
}

func armBool(cell string) (bool, error) {
	switch cell {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("bad boolean %q", cell)
}

// armTableSpec says where an ARM table is and how to read its columns.
type armTableSpec struct {
	file, marker string
	u            Universe
	space        string
	rows         int // how many rows the ARM has; guards the parser
	nameCol      int
	codeCol      int
	typeCol      int // -1: the ARM gives no type
	arrayCol     int // -1: no column (the type cell may say "array")
	unreqCol     int // -1: no "Returned if not requested?" column
	// defs is the table in code the ARM table must equal code for code.
	defs []Definition
}

var armTables = []armTableSpec{
	{"dhcp4-srv.rst", "List of standard DHCPv4 options configurable by an administrator",
		V4, SpaceDHCP4, 102, 0, 1, 2, 3, 4, std4Configurable},
	{"dhcp4-srv.rst", "List of standard DHCPv4 options managed by Kea on its own",
		V4, SpaceDHCP4, 15, 0, 1, 2, -1, -1, std4Managed},
	{"dhcp4-srv.rst", "List of RAI sub-options that Kea can understand",
		V4, SpaceAgentOptions, 7, 0, 1, -1, -1, -1, nil},
	{"dhcp4-srv.rst", "- ``vendor-4491``: Cable Television Laboratories",
		V4, SpaceDOCSIS, 2, 1, 0, -1, -1, -1, std4DOCSIS},
	{"dhcp6-srv.rst", "List of standard DHCPv6 options configurable by an administrator",
		V6, SpaceDHCP6, 58, 0, 1, 2, 3, -1, std6Configurable},
	{"dhcp6-srv.rst", "List of standard DHCPv6 options managed by Kea on its own",
		V6, SpaceDHCP6, 17, 0, 1, -1, -1, -1, std6Managed},
	{"dhcp6-srv.rst", "- ``vendor-2495``: Internet Systems Consortium",
		V6, SpaceISC, 3, 1, 0, -1, -1, -1, std6ISC},
	{"dhcp6-srv.rst", "- ``vendor-4491``: Cable Television Laboratories",
		V6, SpaceDOCSIS, 2, 1, 0, -1, -1, -1, nil},
}

func readARM(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(armDir, file))
	if os.IsNotExist(err) {
		t.Skipf("ARM not found at %s (the spec lives in the shared checkout): %v", armDir, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestStandardMatchesARM parses the ARM's option tables and checks every
// row against the tables in code.
func TestStandardMatchesARM(t *testing.T) {
	used := map[string]bool{}
	var unrequested []uint16
	for _, spec := range armTables {
		t.Run(fmt.Sprintf("%v/%s/%s", spec.u, spec.space, spec.marker), func(t *testing.T) {
			tbl, err := findGridTable(readARM(t, spec.file), spec.marker)
			if err != nil {
				t.Fatal(err)
			}
			if len(tbl.rows) != spec.rows {
				t.Fatalf("parsed %d rows, the ARM table has %d", len(tbl.rows), spec.rows)
			}
			std := Standard(spec.u)
			var armCodes []uint16
			for _, row := range tbl.rows {
				name := strings.TrimSuffix(row[spec.nameCol], " (1)")
				code, err := strconv.ParseUint(row[spec.codeCol], 10, 16)
				if err != nil {
					t.Errorf("row %q: code: %v", row, err)
					continue
				}
				typ, array := "", false
				if spec.typeCol >= 0 {
					if typ, array, err = armType(row[spec.typeCol]); err != nil {
						t.Errorf("row %q: %v", row, err)
						continue
					}
				}
				if spec.arrayCol >= 0 {
					if array, err = armBool(row[spec.arrayCol]); err != nil {
						t.Errorf("row %q: %v", row, err)
						continue
					}
				}
				if spec.unreqCol >= 0 {
					unreq, err := armBool(row[spec.unreqCol])
					if err != nil {
						t.Errorf("row %q: %v", row, err)
					} else if unreq {
						unrequested = append(unrequested, uint16(code))
					}
				}
				armCodes = append(armCodes, uint16(code))
				arm := canon(spec.u, spec.space, name, uint16(code), typ, array)
				want := arm
				if dev, ok := armDeviations[arm]; ok {
					want = dev
					used[arm] = true
				}
				d := std.Lookup(spec.space, uint16(code))
				if d == nil {
					t.Errorf("ARM row %s: no definition of code %d in %s", arm, code, spec.space)
					continue
				}
				if got := canonDef(spec.u, d, typ != ""); got != want {
					t.Errorf("ARM row %s:\n got  %s\n want %s", arm, got, want)
				}
				if byName := std.LookupName(spec.space, name); byName == nil && want == arm {
					t.Errorf("ARM row %s: name %q not found", arm, name)
				}
			}
			if spec.defs != nil {
				var codeCodes []uint16
				for _, d := range spec.defs {
					codeCodes = append(codeCodes, d.Code)
				}
				slices.Sort(armCodes)
				slices.Sort(codeCodes)
				if diff := cmp.Diff(armCodes, codeCodes); diff != "" {
					t.Errorf("codes of the ARM table vs the table in code (-arm +code):\n%s", diff)
				}
			}
		})
	}
	if t.Failed() || t.Skipped() {
		return
	}
	if diff := cmp.Diff(unrequested, SentUnrequestedV4()); diff != "" {
		t.Errorf("ARM \"Returned if not requested\" vs SentUnrequestedV4 (-arm +code):\n%s", diff)
	}
	for arm := range armDeviations {
		if !used[arm] {
			t.Errorf("deviation %q matches no ARM row: update armDeviations", arm)
		}
	}
}

// TestARMAliases checks that a name the ARM uses, where Kea's differs, still
// finds the option, without counting as a standard name.
func TestARMAliases(t *testing.T) {
	d := StandardV4().LookupName(SpaceDHCP4, "nds-server")
	if d == nil || d.Code != 85 || d.Name != "nds-servers" {
		t.Fatalf("LookupName(dhcp4, nds-server) = %+v, want code 85 named nds-servers", d)
	}
	if IsStandardName(V4, SpaceDHCP4, "nds-server") {
		t.Error("IsStandardName(nds-server) = true, want false: Kea has no such name")
	}
	if !IsStandardName(V4, SpaceDHCP4, "nds-servers") {
		t.Error("IsStandardName(nds-servers) = false, want true")
	}
}
