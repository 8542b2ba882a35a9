package config

import (
	"net/netip"

	"github.com/nestordhcp/nestor/eval"

	"github.com/nestordhcp/nestor/option"
)

// Dhcp4 is a loaded DHCPv4 server configuration: the Dhcp4 map as written
// (explicit values only, deprecated forms mapped), plus what loading
// derived — subnet ids, option payloads, the effective parameters of every
// subnet (see inherit.go). Once returned by a loader it is never modified:
// servers read it from many goroutines, and a reconfiguration builds a new
// one.
type Dhcp4 struct {
	// Scope is the global level of the inheritance chain.
	Scope Scope4

	SharedNetworks []*SharedNetwork4
	// Subnets are the top-level subnet4 entries.
	Subnets []*Subnet4
	// AllSubnets is every subnet, top-level and in shared networks, in the
	// order Kea parses them (shared networks first).
	AllSubnets []*Subnet4

	InterfacesConfig InterfacesConfig4
	LeaseDatabase    *Database // nil: memfile defaults
	HostsDatabases   []*Database
	// HostsDatabaseSingular records that the file used "hosts-database".
	HostsDatabaseSingular bool

	HostReservationIdentifiers Opt[[]string]
	Reservations               []*Reservation4
	ClientClasses              []*ClientClass4
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

	Dhcp4o6Port                   Opt[uint16]
	EchoClientID                  Opt[bool]
	DeclineProbationPeriod        Opt[uint32]
	ServerTag                     Opt[string]
	StatisticDefaultSampleCount   Opt[uint32]
	StatisticDefaultSampleAge     Opt[uint32]
	ParkedPacketLimit             Opt[uint32]
	IPReservationsUnique          Opt[bool]
	ReservationsLookupFirst       Opt[bool]
	EarlyGlobalReservationsLookup Opt[bool]
	StashAgentOptions             Opt[bool]

	// Defs holds the standard DHCPv4 definitions plus the global option-def
	// entries.
	Defs *option.DefSet
	// Source is the file the configuration came from ("" if in memory).
	Source string
}

// InterfacesConfig4 is interfaces-config.
type InterfacesConfig4 struct {
	Interfaces                  []string
	DHCPSocketType              Opt[string] // raw, udp
	OutboundInterface           Opt[string] // same-as-inbound, use-routing
	ReDetect                    Opt[bool]
	ServiceSocketsRequireAll    Opt[bool]
	ServiceSocketsMaxRetries    Opt[uint32]
	ServiceSocketsRetryWaitTime Opt[uint32]
	UserContext                 *Node
}

// SharedNetwork4 is a shared-networks entry.
type SharedNetwork4 struct {
	Name string
	Scope4
	Selectors
	Subnets []*Subnet4
	pos     Pos
}

// Pos is where the entry is in the configuration file.
func (n *SharedNetwork4) Pos() Pos { return n.pos }

// Subnet4 is a subnet4 entry.
type Subnet4 struct {
	ID uint32
	// IDAuto is set when Kea's rule assigned the id.
	IDAuto bool
	// Prefix is the subnet as written, Text the string written.
	Prefix netip.Prefix
	Text   string
	Scope4
	Selectors
	Pools           []*Pool4
	Reservations    []*Reservation4
	FourOSixIface   Opt[string]
	FourOSixIfaceID Opt[string]
	FourOSixSubnet  Opt[string]

	// Network is the shared network holding the subnet, or nil.
	Network *SharedNetwork4
	// Eff holds the effective parameters after inheritance.
	Eff Effective4
	pos Pos
}

// Pos is where the entry is in the configuration file.
func (s *Subnet4) Pos() Pos { return s.pos }

// Pool4 is a pools entry: an inclusive address range.
type Pool4 struct {
	First, Last netip.Addr
	// Text is the pool as written ("10.0.0.1 - 10.0.0.9", "10.0.0.0/28").
	Text                 string
	PoolID               Opt[uint32]
	ClientClass          Opt[string]
	RequireClientClasses []string
	OptionData           []*OptionData
	UserContext          *Node
	pos                  Pos
}

// Pos is where the entry is in the configuration file.
func (p *Pool4) Pos() Pos { return p.pos }

// Reservation4 is a host reservation (global or in a subnet).
type Reservation4 struct {
	// IdentifierType is hw-address, duid, circuit-id, client-id or flex-id;
	// Identifier its value as written and IdentifierBytes as bytes.
	IdentifierType  string
	Identifier      string
	IdentifierBytes []byte
	IPAddress       Opt[netip.Addr]
	Hostname        string
	ClientClasses   []string
	NextServer      Opt[string]
	ServerHostname  Opt[string]
	BootFileName    Opt[string]
	OptionData      []*OptionData
	UserContext     *Node
	// SubnetID is 0 for a global reservation.
	SubnetID uint32
	pos      Pos
}

// Pos is where the entry is in the configuration file.
func (r *Reservation4) Pos() Pos { return r.pos }

// ClientClass4 is a client-classes entry.
type ClientClass4 struct {
	Name           string
	Test           Opt[string]
	TemplateTest   Opt[string]
	OnlyIfRequired bool
	OptionDefs     []*OptionDef
	OptionData     []*OptionData
	NextServer     Opt[string]
	ServerHostname Opt[string]
	BootFileName   Opt[string]
	ValidLifetime  Opt[uint32]
	MinValid       Opt[uint32]
	MaxValid       Opt[uint32]
	OfferLifetime  Opt[uint32]
	UserContext    *Node
	// Expr is the compiled test (or template-test), nil without one.
	Expr *eval.Expr
	// Defs is the class's own definition set (standard + global + class
	// option-def), nil when the class defines none.
	Defs *option.DefSet
	pos  Pos
}

// Pos is where the entry is in the configuration file.
func (c *ClientClass4) Pos() Pos { return c.pos }
