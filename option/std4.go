package option

// The standard DHCPv4 options of space "dhcp4", grouped as the ARM groups
// them (dhcp4-srv.rst, "Standard DHCPv4 Options"). Where the ARM and Kea's
// own definitions (LibDHCP, std_option_defs.h of Kea 2.6) disagree, the row
// says which one it follows and why; the cross-check test lists the same
// deviations.

// std4Configurable is the ARM table "List of standard DHCPv4 options
// configurable by an administrator", in its order.
var std4Configurable = []Definition{
	// RFC 2132
	{Code: 2, Name: "time-offset", Type: TypeInt32},
	{Code: 3, Name: "routers", Type: TypeIPv4Address, Array: true},
	{Code: 4, Name: "time-servers", Type: TypeIPv4Address, Array: true},
	{Code: 5, Name: "name-servers", Type: TypeIPv4Address, Array: true},
	{Code: 6, Name: "domain-name-servers", Type: TypeIPv4Address, Array: true},
	{Code: 7, Name: "log-servers", Type: TypeIPv4Address, Array: true},
	{Code: 8, Name: "cookie-servers", Type: TypeIPv4Address, Array: true},
	{Code: 9, Name: "lpr-servers", Type: TypeIPv4Address, Array: true},
	{Code: 10, Name: "impress-servers", Type: TypeIPv4Address, Array: true},
	{Code: 11, Name: "resource-location-servers", Type: TypeIPv4Address, Array: true},
	{Code: 13, Name: "boot-size", Type: TypeUint16},
	{Code: 14, Name: "merit-dump", Type: TypeString},
	// The ARM says fqdn; Kea encodes domain-name as a plain string (RFC 2132
	// NVT ASCII), which is what clients expect on the wire.
	{Code: 15, Name: "domain-name", Type: TypeString},
	{Code: 16, Name: "swap-server", Type: TypeIPv4Address},
	{Code: 17, Name: "root-path", Type: TypeString},
	{Code: 18, Name: "extensions-path", Type: TypeString},
	{Code: 19, Name: "ip-forwarding", Type: TypeBoolean},
	{Code: 20, Name: "non-local-source-routing", Type: TypeBoolean},
	{Code: 21, Name: "policy-filter", Type: TypeIPv4Address, Array: true},
	{Code: 22, Name: "max-dgram-reassembly", Type: TypeUint16},
	{Code: 23, Name: "default-ip-ttl", Type: TypeUint8},
	{Code: 24, Name: "path-mtu-aging-timeout", Type: TypeUint32},
	{Code: 25, Name: "path-mtu-plateau-table", Type: TypeUint16, Array: true},
	{Code: 26, Name: "interface-mtu", Type: TypeUint16},
	{Code: 27, Name: "all-subnets-local", Type: TypeBoolean},
	{Code: 28, Name: "broadcast-address", Type: TypeIPv4Address},
	{Code: 29, Name: "perform-mask-discovery", Type: TypeBoolean},
	{Code: 30, Name: "mask-supplier", Type: TypeBoolean},
	{Code: 31, Name: "router-discovery", Type: TypeBoolean},
	{Code: 32, Name: "router-solicitation-address", Type: TypeIPv4Address},
	{Code: 33, Name: "static-routes", Type: TypeIPv4Address, Array: true},
	{Code: 34, Name: "trailer-encapsulation", Type: TypeBoolean},
	{Code: 35, Name: "arp-cache-timeout", Type: TypeUint32},
	{Code: 36, Name: "ieee802-3-encapsulation", Type: TypeBoolean},
	{Code: 37, Name: "default-tcp-ttl", Type: TypeUint8},
	{Code: 38, Name: "tcp-keepalive-interval", Type: TypeUint32},
	{Code: 39, Name: "tcp-keepalive-garbage", Type: TypeBoolean},
	{Code: 40, Name: "nis-domain", Type: TypeString},
	{Code: 41, Name: "nis-servers", Type: TypeIPv4Address, Array: true},
	{Code: 42, Name: "ntp-servers", Type: TypeIPv4Address, Array: true},
	// Kea's last-resort definition of option 43: an empty container whose
	// sub-options live in "vendor-encapsulated-options-space". It is not a
	// standard definition in Kea's sense: option-def may redefine code 43
	// globally or in a client class (see IsStandard).
	{Code: 43, Name: "vendor-encapsulated-options", Type: TypeEmpty, Encapsulate: SpaceVendorEncapsulated},
	{Code: 44, Name: "netbios-name-servers", Type: TypeIPv4Address, Array: true},
	{Code: 45, Name: "netbios-dd-server", Type: TypeIPv4Address, Array: true},
	{Code: 46, Name: "netbios-node-type", Type: TypeUint8},
	{Code: 47, Name: "netbios-scope", Type: TypeString},
	{Code: 48, Name: "font-servers", Type: TypeIPv4Address, Array: true},
	{Code: 49, Name: "x-display-manager", Type: TypeIPv4Address, Array: true},
	{Code: 52, Name: "dhcp-option-overload", Type: TypeUint8},
	{Code: 54, Name: "dhcp-server-identifier", Type: TypeIPv4Address},
	{Code: 56, Name: "dhcp-message", Type: TypeString},
	{Code: 57, Name: "dhcp-max-message-size", Type: TypeUint16},
	{Code: 60, Name: "vendor-class-identifier", Type: TypeString},
	// RFC 2242
	{Code: 62, Name: "nwip-domain-name", Type: TypeString},
	{Code: 63, Name: "nwip-suboptions", Type: TypeBinary},
	// RFC 2132
	{Code: 64, Name: "nisplus-domain-name", Type: TypeString},
	{Code: 65, Name: "nisplus-servers", Type: TypeIPv4Address, Array: true},
	{Code: 66, Name: "tftp-server-name", Type: TypeString},
	{Code: 67, Name: "boot-file-name", Type: TypeString},
	{Code: 68, Name: "mobile-ip-home-agent", Type: TypeIPv4Address, Array: true},
	{Code: 69, Name: "smtp-server", Type: TypeIPv4Address, Array: true},
	{Code: 70, Name: "pop-server", Type: TypeIPv4Address, Array: true},
	{Code: 71, Name: "nntp-server", Type: TypeIPv4Address, Array: true},
	{Code: 72, Name: "www-server", Type: TypeIPv4Address, Array: true},
	{Code: 73, Name: "finger-server", Type: TypeIPv4Address, Array: true},
	{Code: 74, Name: "irc-server", Type: TypeIPv4Address, Array: true},
	{Code: 75, Name: "streettalk-server", Type: TypeIPv4Address, Array: true},
	{Code: 76, Name: "streettalk-directory-assistance-server", Type: TypeIPv4Address, Array: true},
	// RFC 3004
	{Code: 77, Name: "user-class", Type: TypeBinary},
	// RFC 2610
	{Code: 78, Name: "slp-directory-agent", Type: TypeRecord, RecordTypes: []DataType{TypeBoolean, TypeIPv4Address}, Array: true},
	{Code: 79, Name: "slp-service-scope", Type: TypeRecord, RecordTypes: []DataType{TypeBoolean, TypeString}},
	// RFC 2241
	// The ARM spells it nds-server; every Kea release (2.2, 2.6, 3.x) names it
	// nds-servers. The ARM spelling is accepted as an alias (see stdAliases).
	{Code: 85, Name: "nds-servers", Type: TypeIPv4Address, Array: true},
	{Code: 86, Name: "nds-tree-name", Type: TypeString},
	{Code: 87, Name: "nds-context", Type: TypeString},
	// RFC 4280
	{Code: 88, Name: "bcms-controller-names", Type: TypeFQDN, Array: true},
	{Code: 89, Name: "bcms-controller-address", Type: TypeIPv4Address, Array: true},
	// RFC 4578
	{Code: 93, Name: "client-system", Type: TypeUint16, Array: true},
	{Code: 94, Name: "client-ndi", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8}},
	{Code: 97, Name: "uuid-guid", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeBinary}},
	// RFC 2485
	{Code: 98, Name: "uap-servers", Type: TypeString},
	// RFC 4776
	{Code: 99, Name: "geoconf-civic", Type: TypeBinary},
	// RFC 4833
	{Code: 100, Name: "pcode", Type: TypeString},
	{Code: 101, Name: "tcode", Type: TypeString},
	// RFC 8925
	{Code: 108, Name: "v6-only-preferred", Type: TypeUint32},
	// RFC 3679
	{Code: 112, Name: "netinfo-server-address", Type: TypeIPv4Address, Array: true},
	{Code: 113, Name: "netinfo-server-tag", Type: TypeString},
	// RFC 8910
	{Code: 114, Name: "v4-captive-portal", Type: TypeString},
	// RFC 2563
	{Code: 116, Name: "auto-config", Type: TypeUint8},
	// RFC 2937
	{Code: 117, Name: "name-service-search", Type: TypeUint16, Array: true},
	// RFC 3397
	{Code: 119, Name: "domain-search", Type: TypeFQDN, Array: true},
	// RFC 3442
	{Code: 121, Name: "classless-static-route", Type: TypeInternal},
	// RFC 3925
	{Code: 124, Name: "vivco-suboptions", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}},
	{Code: 125, Name: "vivso-suboptions", Type: TypeUint32},
	// RFC 5192
	{Code: 136, Name: "pana-agent", Type: TypeIPv4Address, Array: true},
	// RFC 5223
	{Code: 137, Name: "v4-lost", Type: TypeFQDN},
	// RFC 5417
	{Code: 138, Name: "capwap-ac-v4", Type: TypeIPv4Address, Array: true},
	// RFC 6011
	{Code: 141, Name: "sip-ua-cs-domains", Type: TypeFQDN, Array: true},
	// RFC 8572
	{Code: 143, Name: "v4-sztp-redirect", Type: TypeTuple, Array: true},
	// RFC 6731
	{Code: 146, Name: "rdnss-selection", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeIPv4Address, TypeIPv4Address, TypeFQDN}, Array: true},
	// RFC 7618
	{Code: 159, Name: "v4-portparams", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypePSID}},
	// RFC 9463
	// The ARM gives the wire layout record(uint16, uint16, uint8, fqdn,
	// binary), but its own configuration syntax ("priority, adn, addresses,
	// svc-params", instances split by '|') cannot be parsed as that record;
	// Kea 2.6 defines the option with its internal type and a codec of its
	// own, and so does Nestor.
	{Code: 162, Name: "v4-dnr", Type: TypeInternal},
	// RFC 5969
	{Code: 212, Name: "option-6rd", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeIPv6Address, TypeIPv4Address}, Array: true},
	// RFC 5986
	{Code: 213, Name: "v4-access-domain", Type: TypeFQDN},
}

// std4Managed is the ARM table "List of standard DHCPv4 options managed by
// Kea on its own and not directly configurable by an administrator".
var std4Managed = []Definition{
	// RFC 2132
	{Code: 1, Name: "subnet-mask", Type: TypeIPv4Address},
	{Code: 12, Name: "host-name", Type: TypeString},
	{Code: 50, Name: "dhcp-requested-address", Type: TypeIPv4Address},
	{Code: 51, Name: "dhcp-lease-time", Type: TypeUint32},
	// The ARM says string; the option is one octet and Kea defines it uint8.
	{Code: 53, Name: "dhcp-message-type", Type: TypeUint8},
	{Code: 55, Name: "dhcp-parameter-request-list", Type: TypeUint8, Array: true},
	{Code: 58, Name: "dhcp-renewal-time", Type: TypeUint32},
	{Code: 59, Name: "dhcp-rebinding-time", Type: TypeUint32},
	{Code: 61, Name: "dhcp-client-identifier", Type: TypeBinary},
	// RFC 4702
	{Code: 81, Name: "fqdn", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8, TypeFQDN}},
	// RFC 3046
	{Code: 82, Name: "dhcp-agent-options", Type: TypeEmpty, Encapsulate: SpaceAgentOptions},
	// RFC 3118
	{Code: 90, Name: "authenticate", Type: TypeBinary},
	// RFC 4388
	{Code: 91, Name: "client-last-transaction-time", Type: TypeUint32},
	{Code: 92, Name: "associated-ip", Type: TypeIPv4Address, Array: true},
	// RFC 3011
	{Code: 118, Name: "subnet-selection", Type: TypeIPv4Address},
}

// std4Leasequery holds the Bulk Leasequery options Kea defines in "dhcp4"
// although the ARM's tables do not list them (the leasequery hook library
// uses them).
var std4Leasequery = []Definition{
	// RFC 6926
	{Code: 151, Name: "status-code", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeString}},
	{Code: 152, Name: "base-time", Type: TypeUint32},
	{Code: 153, Name: "start-time-of-state", Type: TypeUint32},
	{Code: 154, Name: "query-start-time", Type: TypeUint32},
	{Code: 155, Name: "query-end-time", Type: TypeUint32},
	{Code: 156, Name: "dhcp-state", Type: TypeUint8},
	{Code: 157, Name: "data-source", Type: TypeUint8},
}

// std4SentUnrequested lists the options the ARM's table marks "Returned if
// not requested": added to a response whenever configured, with or without
// the client's Parameter Request List.
var std4SentUnrequested = []uint16{3, 6, 15, 54}
