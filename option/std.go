package option

import (
	"fmt"
	"sync"
)

// The standard definition sets are built from the tables in std4.go,
// std6.go and stdspaces.go on first use and shared read-only afterwards:
// callers must not modify the sets, their spaces or their definitions. A
// configuration's own option-def entries go into StandardV4().Clone().

type spaceCode struct {
	space string
	code  uint16
}

type spaceName struct {
	space, name string
}

// stdSet is a standard DefSet plus what Kea treats as "standard" when it
// vets option-def entries.
type stdSet struct {
	defs     *DefSet
	keaCodes map[spaceCode]bool
	keaNames map[spaceName]bool
	managed  map[uint16]bool
}

var (
	std4Once, std6Once sync.Once
	std4, std6         *stdSet
)

func stdV4() *stdSet {
	std4Once.Do(func() { std4 = mustBuildStd(V4, std4Tables, std4Managed) })
	return std4
}

func stdV6() *stdSet {
	std6Once.Do(func() { std6 = mustBuildStd(V6, std6Tables, std6Managed) })
	return std6
}

func stdFor(u Universe) *stdSet {
	if u == V6 {
		return stdV6()
	}
	return stdV4()
}

// StandardV4 returns Kea's standard DHCPv4 definitions: space "dhcp4" and
// the standard sub-option spaces ("dhcp-agent-options-space",
// "vendor-encapsulated-options-space" (empty), "vendor-4491"). The set is
// shared; do not modify it.
func StandardV4() *DefSet { return stdV4().defs }

// StandardV6 returns Kea's standard DHCPv6 definitions: space "dhcp6" and
// the standard sub-option spaces ("rsoo-opts" (empty), the five s46-*
// spaces, "vendor-4491", "vendor-2495"). As in Kea, the Softwire46
// sub-options (89-93) exist only in the s46-* spaces. The set is shared; do
// not modify it.
func StandardV6() *DefSet { return stdV6().defs }

// Standard returns StandardV4 or StandardV6.
func Standard(u Universe) *DefSet { return stdFor(u).defs }

// IsStandard reports whether Kea would refuse an option-def entry with this
// code in this space because a standard definition holds the code: every
// code Kea defines in "dhcp4", "dhcp6", "dhcp-agent-options-space" and the
// s46-* spaces, except option 43 in "dhcp4", whose built-in definition is
// only a last resort that option-def may replace. Codes Kea leaves
// undefined, custom spaces and the vendor spaces (which Kea keys by
// internal names) are not standard. This is Kea 2.6; Kea 2.2 had no
// definitions yet for the RAI sub-options, the bulk leasequery options
// (151-157), 121, 143 and 162 in DHCPv4, and 136 and 144 in DHCPv6, and so
// accepted option-def entries for them (testdata/std/kea22-refused.txt).
func IsStandard(u Universe, space string, code uint16) bool {
	return stdFor(u).keaCodes[spaceCode{space, code}]
}

// IsStandardName is IsStandard for the option-def name: Kea also refuses a
// custom definition that takes the name of a standard one in the same space.
// Aliases (the ARM's "nds-server") do not count.
func IsStandardName(u Universe, space, name string) bool {
	return stdFor(u).keaNames[spaceName{space, name}]
}

// SentUnrequestedV4 returns the DHCPv4 option codes the server adds to a
// response whenever they are configured, whether or not the client asked
// for them in its Parameter Request List: routers (3), domain-name-servers
// (6), domain-name (15) and dhcp-server-identifier (54), the ARM's column
// "Returned if not requested". Other options need the PRL or always-send.
func SentUnrequestedV4() []uint16 {
	return append([]uint16(nil), std4SentUnrequested...)
}

// ServerManaged returns, in ascending order, the option codes of the ARM's
// table of options "managed by Kea on its own and not directly configurable
// by an administrator" for the universe.
func ServerManaged(u Universe) []uint16 {
	src := std4Managed
	if u == V6 {
		src = std6Managed
	}
	out := make([]uint16, len(src))
	for i, d := range src {
		out[i] = d.Code
	}
	return out
}

// IsServerManaged reports whether the code (in the universe's top-level
// space) is one of ServerManaged(u).
func IsServerManaged(u Universe, code uint16) bool {
	return stdFor(u).managed[code]
}

// mustBuildStd builds a standard set from static tables. The tables are
// program data, not input; an inconsistency in them is a bug that the
// package's tests catch, so it panics.
func mustBuildStd(u Universe, tables []stdTable, managed []Definition) *stdSet {
	s, err := buildStd(u, tables, managed)
	if err != nil {
		panic("option: standard tables: " + err.Error())
	}
	return s
}

func buildStd(u Universe, tables []stdTable, managed []Definition) (*stdSet, error) {
	s := &stdSet{
		defs:     NewDefSet(u),
		keaCodes: make(map[spaceCode]bool),
		keaNames: make(map[spaceName]bool),
		managed:  make(map[uint16]bool),
	}
	for _, t := range tables {
		stdEnsureSpace(s.defs, t.space)
		for i := range t.defs {
			d := t.defs[i]
			d.Space = t.space
			if err := s.defs.Add(&d); err != nil {
				return nil, err
			}
			// Kea's option 43 is a last-resort definition, outside its
			// standard "dhcp4" table.
			if !t.kea || (u == V4 && t.space == SpaceDHCP4 && d.Code == 43) {
				continue
			}
			s.keaCodes[spaceCode{t.space, d.Code}] = true
			s.keaNames[spaceName{t.space, d.Name}] = true
		}
	}
	for _, a := range stdAliases {
		if a.u != u {
			continue
		}
		sp := s.defs.Space(a.space)
		d := sp.ByName(a.canonical)
		if d == nil {
			return nil, fmt.Errorf("alias %q: no option %q in space %q", a.alias, a.canonical, a.space)
		}
		if sp.ByName(a.alias) != nil {
			return nil, fmt.Errorf("alias %q: name already taken in space %q", a.alias, a.space)
		}
		sp.byName[a.alias] = d
	}
	for _, d := range managed {
		s.managed[d.Code] = true
	}
	return s, nil
}

// stdEnsureSpace creates the named space in ds if it is missing, so that
// spaces Kea defines empty (option 43's and RSOO's) exist for lookups.
func stdEnsureSpace(ds *DefSet, name string) {
	if ds.spaces[name] != nil {
		return
	}
	ds.spaces[name] = &Space{Name: name, Universe: ds.Universe,
		byCode: make(map[uint16]*Definition), byName: make(map[string]*Definition)}
}
