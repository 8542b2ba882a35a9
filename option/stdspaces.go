package option

// Names of the option spaces Kea defines as standard. Vendor spaces are
// named as a configuration names them ("vendor-<enterprise-id>"); Kea keeps
// the same definitions under internal names ("docsis3-v4", "docsis3-v6",
// "4o6") that a configuration never uses.
const (
	SpaceDHCP4 = "dhcp4"
	SpaceDHCP6 = "dhcp6"
	// SpaceVendorEncapsulated holds the sub-options of option 43; empty
	// until option-def entries fill it.
	SpaceVendorEncapsulated = "vendor-encapsulated-options-space"
	// SpaceAgentOptions holds the sub-options of option 82 (RFC 3046).
	SpaceAgentOptions = "dhcp-agent-options-space"
	// SpaceRSOO holds the options carried in option 66 (RFC 6422); Kea
	// defines none there.
	SpaceRSOO    = "rsoo-opts"
	SpaceS46MAPE = "s46-cont-mape-options"
	SpaceS46MAPT = "s46-cont-mapt-options"
	SpaceS46LW   = "s46-cont-lw-options"
	// SpaceS46Rule holds the sub-options of s46-rule (89).
	SpaceS46Rule = "s46-rule-options"
	// SpaceS46V4V6Bind holds the sub-options of s46-v4v6bind (92).
	SpaceS46V4V6Bind = "s46-v4v6bind-options"
	// SpaceDOCSIS is CableLabs' vendor space (enterprise 4491), in both
	// universes with different contents.
	SpaceDOCSIS = "vendor-4491"
	// SpaceISC is ISC's vendor space (enterprise 2495), DHCPv6 only: the
	// DHCPv4-over-DHCPv6 options exchanged between kea-dhcp6 and kea-dhcp4.
	SpaceISC = "vendor-2495"
)

// Enterprise numbers of the vendor spaces Kea defines.
const (
	EnterpriseDOCSIS uint32 = 4491
	EnterpriseISC    uint32 = 2495
)

// std4Agent is the space of option 82's sub-options. The ARM's table "List
// of RAI sub-options that Kea can understand" names seven of them; Kea
// defines these twenty.
var std4Agent = []Definition{
	// RFC 3046
	{Code: 1, Name: "circuit-id", Type: TypeBinary},
	{Code: 2, Name: "remote-id", Type: TypeBinary},
	// RFC 3256
	{Code: 4, Name: "docsis-device-class", Type: TypeUint32},
	// RFC 3527
	{Code: 5, Name: "link-selection", Type: TypeIPv4Address},
	// RFC 3993
	{Code: 6, Name: "subscriber-id", Type: TypeString},
	// RFC 4014
	{Code: 7, Name: "radius", Type: TypeBinary},
	// RFC 4030
	{Code: 8, Name: "auth", Type: TypeBinary},
	// RFC 4243
	{Code: 9, Name: "vendor-specific-info", Type: TypeBinary},
	// RFC 5010
	{Code: 10, Name: "relay-flags", Type: TypeUint8},
	// RFC 5107
	{Code: 11, Name: "server-id-override", Type: TypeIPv4Address},
	// RFC 6925
	{Code: 12, Name: "relay-id", Type: TypeBinary},
	// RFC 7839
	{Code: 13, Name: "access-techno-type", Type: TypeUint16},
	{Code: 14, Name: "access-network-name", Type: TypeString},
	{Code: 15, Name: "access-point-name", Type: TypeString},
	{Code: 16, Name: "access-point-bssid", Type: TypeBinary},
	{Code: 17, Name: "operator-id", Type: TypeUint32},
	{Code: 18, Name: "operator-realm", Type: TypeString},
	// RFC 8357
	{Code: 19, Name: "relay-port", Type: TypeUint16},
	// RFC 6607
	{Code: 151, Name: "virtual-subnet-select", Type: TypeBinary},
	{Code: 152, Name: "virtual-subnet-select-ctrl", Type: TypeEmpty},
}

// std4DOCSIS is "vendor-4491" in DHCPv4, carried in option 125 (the ARM's
// table under "DHCPv4 Vendor-Specific Options"; types are Kea's).
var std4DOCSIS = []Definition{
	{Code: 1, Name: "oro", Type: TypeUint8, Array: true},
	{Code: 2, Name: "tftp-servers", Type: TypeIPv4Address, Array: true},
}

// std6DOCSIS is "vendor-4491" in DHCPv6, carried in option 17. The ARM's
// table copies the DHCPv4 one (tftp-servers as code 2, IPv4 addresses);
// Kea's DHCPv6 set, which follows CableLabs' CL-SP-CANN-DHCP-Reg, has
// device-type at 2 and tftp-servers at 32 with IPv6 addresses, and that is
// what cable modems send and expect.
var std6DOCSIS = []Definition{
	{Code: 1, Name: "oro", Type: TypeUint16, Array: true},
	{Code: 2, Name: "device-type", Type: TypeString},
	{Code: 10, Name: "vendor-type", Type: TypeString},
	{Code: 32, Name: "tftp-servers", Type: TypeIPv6Address, Array: true},
	{Code: 33, Name: "config-file", Type: TypeString},
	{Code: 34, Name: "syslog-servers", Type: TypeIPv6Address, Array: true},
	{Code: 36, Name: "device-id", Type: TypeBinary},
	{Code: 37, Name: "time-servers", Type: TypeIPv6Address, Array: true},
	{Code: 38, Name: "time-offset", Type: TypeInt32},
	// Inserted by a CMTS acting as relay agent.
	{Code: 1026, Name: "cmts-cm-mac", Type: TypeBinary},
}

// std6ISC is "vendor-2495" (Kea's internal space "4o6"), the ARM's table
// under "DHCPv6 Vendor-Specific Options".
var std6ISC = []Definition{
	{Code: 60000, Name: "4o6-interface", Type: TypeString},
	{Code: 60001, Name: "4o6-source-address", Type: TypeIPv6Address},
	{Code: 60002, Name: "4o6-source-port", Type: TypeUint16},
}

// The Softwire46 container spaces (RFC 7598, ARM "Common Softwire46
// Options"). s46-rule and s46-v4v6bind carry s46-portparams as a
// sub-option.
var (
	std6S46MAPE = []Definition{
		{Code: 89, Name: "s46-rule", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8, TypeIPv4Address, TypeIPv6Prefix}, Encapsulate: SpaceS46Rule},
		{Code: 90, Name: "s46-br", Type: TypeIPv6Address},
	}
	std6S46MAPT = []Definition{
		{Code: 89, Name: "s46-rule", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8, TypeIPv4Address, TypeIPv6Prefix}, Encapsulate: SpaceS46Rule},
		{Code: 91, Name: "s46-dmr", Type: TypeIPv6Prefix},
	}
	std6S46LW = []Definition{
		{Code: 90, Name: "s46-br", Type: TypeIPv6Address},
		{Code: 92, Name: "s46-v4v6bind", Type: TypeRecord, RecordTypes: []DataType{TypeIPv4Address, TypeIPv6Prefix}, Encapsulate: SpaceS46V4V6Bind},
	}
	std6S46Rule = []Definition{
		{Code: 93, Name: "s46-portparams", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypePSID}},
	}
	std6S46V4V6Bind = []Definition{
		{Code: 93, Name: "s46-portparams", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypePSID}},
	}
)

// stdTable is one space's worth of standard definitions.
type stdTable struct {
	space string
	defs  []Definition
	// kea is true when Kea holds the space in LibDHCP's standard map, so
	// that option-def entries cannot redefine its codes or names. Kea keys
	// its vendor spaces by internal names, which a configuration cannot
	// name, so custom definitions in "vendor-4491" are accepted there.
	kea bool
}

var std4Tables = []stdTable{
	{space: SpaceDHCP4, defs: std4Configurable, kea: true},
	{space: SpaceDHCP4, defs: std4Managed, kea: true},
	{space: SpaceDHCP4, defs: std4Leasequery, kea: true},
	{space: SpaceAgentOptions, defs: std4Agent, kea: true},
	{space: SpaceVendorEncapsulated},
	{space: SpaceDOCSIS, defs: std4DOCSIS},
}

var std6Tables = []stdTable{
	{space: SpaceDHCP6, defs: std6Configurable, kea: true},
	{space: SpaceDHCP6, defs: std6Managed, kea: true},
	{space: SpaceDHCP6, defs: std6Other, kea: true},
	{space: SpaceRSOO},
	{space: SpaceS46MAPE, defs: std6S46MAPE, kea: true},
	{space: SpaceS46MAPT, defs: std6S46MAPT, kea: true},
	{space: SpaceS46LW, defs: std6S46LW, kea: true},
	{space: SpaceS46Rule, defs: std6S46Rule, kea: true},
	{space: SpaceS46V4V6Bind, defs: std6S46V4V6Bind, kea: true},
	{space: SpaceDOCSIS, defs: std6DOCSIS},
	{space: SpaceISC, defs: std6ISC},
}

// stdAliases are extra names a space accepts for a standard option: the
// ARM's spelling where Kea's differs.
var stdAliases = []struct {
	u                Universe
	space            string
	alias, canonical string
}{
	{V4, SpaceDHCP4, "nds-server", "nds-servers"},
	{V6, SpaceDHCP6, "client-id", "clientid"},
	{V6, SpaceDHCP6, "server-id", "serverid"},
}
