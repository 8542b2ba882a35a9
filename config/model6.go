package config

import (
	"net/netip"

	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/option"
)

// Dhcp6 is a loaded DHCPv6 server configuration: the Dhcp6 map as written
// (explicit values only, deprecated forms mapped), plus what loading
// derived — subnet ids, option payloads, the effective parameters of every
// subnet (see inherit6.go). Once returned by a loader it is never modified:
// servers read it from many goroutines, and a reconfiguration builds a new
// one.
type Dhcp6 struct {
	// Scope is the global level of the inheritance chain.
	Scope Scope6

	SharedNetworks []*SharedNetwork6
	// Subnets are the top-level subnet6 entries.
	Subnets []*Subnet6
	// AllSubnets is every subnet, top-level and in shared networks, in the
	// order Kea parses them (shared networks first).
	AllSubnets []*Subnet6

	InterfacesConfig InterfacesConfig6
	LeaseDatabase    *Database // nil: memfile defaults
	HostsDatabases   []*Database
	// HostsDatabaseSingular records that the file used "hosts-database".
	HostsDatabaseSingular bool

	HostReservationIdentifiers Opt[[]string]
	Reservations               []*Reservation6
	ClientClasses              []*ClientClass6
	OptionDefs                 []*OptionDef
	HooksLibraries             []*HooksLibrary
	Loggers                    []*Logger

	ExpiredLeasesProcessing ExpiredLeasesProcessing
	MultiThreading          MultiThreading
	DHCPQueueControl        DHCPQueueControl
	SanityChecks            SanityChecks
	Compatibility           Compatibility
	DhcpDdns                DhcpDdns
	ConfigControl           *ConfigControl
	ControlSocket           *ControlSocket
	ControlSockets          []*ControlSocket

	ServerID ServerID
	// MACSources are the hardware address sources in the order they are
	// tried (default "any").
	MACSources Opt[[]string]
	// RelaySuppliedOptions are written as codes or names; RelaySupplied
	// holds their codes (option 65, erp-local-domain-name, is always
	// accepted from relays in addition).
	RelaySuppliedOptions Opt[[]string]
	RelaySupplied        []uint16
	DataDirectory        Opt[string]

	Dhcp4o6Port                   Opt[uint16]
	DeclineProbationPeriod        Opt[uint32]
	ServerTag                     Opt[string]
	StatisticDefaultSampleCount   Opt[uint32]
	StatisticDefaultSampleAge     Opt[uint32]
	ParkedPacketLimit             Opt[uint32]
	IPReservationsUnique          Opt[bool]
	ReservationsLookupFirst       Opt[bool]
	EarlyGlobalReservationsLookup Opt[bool]

	// Defs holds the standard DHCPv6 definitions plus the global option-def
	// entries.
	Defs *option.DefSet
	// Source is the file the configuration came from ("" if in memory).
	Source string
}

// Scope6 adds the DHCPv6-only scope parameters.
type Scope6 struct {
	ScopeParams
	PreferredLifetime    Opt[uint32]
	MinPreferredLifetime Opt[uint32]
	MaxPreferredLifetime Opt[uint32]
	PDAllocator          Opt[string]
}

// Link6 are the selectors only DHCPv6 shared networks and subnets have.
type Link6 struct {
	// InterfaceID matches the relay's interface-id option.
	InterfaceID Opt[string]
	RapidCommit Opt[bool]
}

// InterfacesConfig6 is interfaces-config (no socket type in DHCPv6).
type InterfacesConfig6 struct {
	Interfaces                  []string
	ReDetect                    Opt[bool]
	ServiceSocketsRequireAll    Opt[bool]
	ServiceSocketsMaxRetries    Opt[uint32]
	ServiceSocketsRetryWaitTime Opt[uint32]
	UserContext                 *Node
}

// ServerID is the server-id map: how the server's DUID is made.
type ServerID struct {
	// Type is LLT, EN or LL.
	Type         string
	HType        uint16
	Identifier   string // hex as written
	Time         uint32
	EnterpriseID uint32
	Persist      bool
	UserContext  *Node
	// Written records that the file had a server-id map.
	Written bool
}

// SharedNetwork6 is a shared-networks entry.
type SharedNetwork6 struct {
	Name string
	Scope6
	Selectors
	Link6
	Subnets []*Subnet6
	pos     Pos
}

// Pos is where the entry is in the configuration file.
func (n *SharedNetwork6) Pos() Pos { return n.pos }

// Subnet6 is a subnet6 entry.
type Subnet6 struct {
	ID uint32
	// IDAuto is set when Kea's rule assigned the id.
	IDAuto bool
	// Prefix is the subnet as written, Text the string written.
	Prefix netip.Prefix
	Text   string
	Scope6
	Selectors
	Link6
	Pools        []*Pool6
	PDPools      []*PDPool6
	Reservations []*Reservation6

	// Network is the shared network holding the subnet, or nil.
	Network *SharedNetwork6
	// Eff holds the effective parameters after inheritance.
	Eff Effective6
	pos Pos
}

// Pos is where the entry is in the configuration file.
func (s *Subnet6) Pos() Pos { return s.pos }

// Pool6 is a pools entry of a subnet6: an inclusive address range.
type Pool6 struct {
	First, Last netip.Addr
	// Text is the pool as written.
	Text                 string
	PoolID               Opt[uint32]
	ClientClass          Opt[string]
	RequireClientClasses []string
	OptionData           []*OptionData
	UserContext          *Node
	pos                  Pos
}

// Pos is where the entry is in the configuration file.
func (p *Pool6) Pos() Pos { return p.pos }

// PDPool6 is a pd-pools entry: prefixes of DelegatedLen bits carved from
// Prefix, minus ExcludedPrefix (RFC 6603) in each delegated prefix.
type PDPool6 struct {
	Prefix       netip.Prefix
	DelegatedLen int
	// ExcludedPrefix is unset when the pool excludes nothing.
	ExcludedPrefix       Opt[netip.Prefix]
	PoolID               Opt[uint32]
	ClientClass          Opt[string]
	RequireClientClasses []string
	OptionData           []*OptionData
	UserContext          *Node
	pos                  Pos
}

// Pos is where the entry is in the configuration file.
func (p *PDPool6) Pos() Pos { return p.pos }

// Last is the last delegated prefix of the pool.
func (p *PDPool6) Last() netip.Prefix {
	return netip.PrefixFrom(lastAddr(p.Prefix.Masked()), p.DelegatedLen).Masked()
}

// Reservation6 is a DHCPv6 host reservation (global or in a subnet).
type Reservation6 struct {
	// IdentifierType is duid, hw-address or flex-id; Identifier its value
	// as written and IdentifierBytes as bytes.
	IdentifierType  string
	Identifier      string
	IdentifierBytes []byte
	IPAddresses     []netip.Addr
	Prefixes        []netip.Prefix
	Hostname        string
	ClientClasses   []string
	OptionData      []*OptionData
	UserContext     *Node
	// SubnetID is 0 for a global reservation.
	SubnetID uint32
	pos      Pos
}

// Pos is where the entry is in the configuration file.
func (r *Reservation6) Pos() Pos { return r.pos }

// ClientClass6 is a client-classes entry of the DHCPv6 server.
type ClientClass6 struct {
	Name           string
	Test           Opt[string]
	TemplateTest   Opt[string]
	OnlyIfRequired bool
	OptionDefs     []*OptionDef
	OptionData     []*OptionData
	ValidLifetime  Opt[uint32]
	MinValid       Opt[uint32]
	MaxValid       Opt[uint32]
	Preferred      Opt[uint32]
	MinPreferred   Opt[uint32]
	MaxPreferred   Opt[uint32]
	UserContext    *Node
	// Expr is the compiled test (or template-test), nil without one.
	Expr *eval.Expr
	// Defs is the class's own definition set (standard + global + class
	// option-def), nil when the class defines none.
	Defs *option.DefSet
	pos  Pos
}

// Pos is where the entry is in the configuration file.
func (c *ClientClass6) Pos() Pos { return c.pos }
