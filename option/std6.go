package option

// The standard DHCPv6 options of space "dhcp6", grouped as the ARM groups
// them (dhcp6-srv.rst, "Standard DHCPv6 Options"). Deviations from the ARM
// are noted on the row and listed again in the cross-check test.

// std6Configurable is the ARM table "List of standard DHCPv6 options
// configurable by an administrator", in its order. The ARM marks lq-query,
// client-data, clt-time, lq-relay-data and lq-client-link "(1)": defined,
// but the logic behind them is not implemented.
var std6Configurable = []Definition{
	// RFC 8415
	{Code: 7, Name: "preference", Type: TypeUint8},
	{Code: 12, Name: "unicast", Type: TypeIPv6Address},
	// RFC 3319
	{Code: 21, Name: "sip-server-dns", Type: TypeFQDN, Array: true},
	{Code: 22, Name: "sip-server-addr", Type: TypeIPv6Address, Array: true},
	// RFC 3646
	{Code: 23, Name: "dns-servers", Type: TypeIPv6Address, Array: true},
	{Code: 24, Name: "domain-search", Type: TypeFQDN, Array: true},
	// RFC 3898
	{Code: 27, Name: "nis-servers", Type: TypeIPv6Address, Array: true},
	{Code: 28, Name: "nisp-servers", Type: TypeIPv6Address, Array: true},
	{Code: 29, Name: "nis-domain-name", Type: TypeFQDN, Array: true},
	{Code: 30, Name: "nisp-domain-name", Type: TypeFQDN, Array: true},
	// RFC 4075
	{Code: 31, Name: "sntp-servers", Type: TypeIPv6Address, Array: true},
	// RFC 4242
	{Code: 32, Name: "information-refresh-time", Type: TypeUint32},
	// RFC 4280
	{Code: 33, Name: "bcmcs-server-dns", Type: TypeFQDN, Array: true},
	{Code: 34, Name: "bcmcs-server-addr", Type: TypeIPv6Address, Array: true},
	// RFC 4776
	{Code: 36, Name: "geoconf-civic", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint16, TypeBinary}},
	// RFC 4649
	{Code: 37, Name: "remote-id", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}},
	// RFC 4580
	{Code: 38, Name: "subscriber-id", Type: TypeBinary},
	// RFC 4704
	{Code: 39, Name: "client-fqdn", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeFQDN}},
	// RFC 5192
	{Code: 40, Name: "pana-agent", Type: TypeIPv6Address, Array: true},
	// RFC 4833
	{Code: 41, Name: "new-posix-timezone", Type: TypeString},
	{Code: 42, Name: "new-tzdb-timezone", Type: TypeString},
	// RFC 4994
	{Code: 43, Name: "ero", Type: TypeUint16, Array: true},
	// RFC 5007
	{Code: 44, Name: "lq-query", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeIPv6Address}, Encapsulate: SpaceDHCP6},
	{Code: 45, Name: "client-data", Type: TypeEmpty, Encapsulate: SpaceDHCP6},
	{Code: 46, Name: "clt-time", Type: TypeUint32},
	{Code: 47, Name: "lq-relay-data", Type: TypeRecord, RecordTypes: []DataType{TypeIPv6Address, TypeBinary}},
	{Code: 48, Name: "lq-client-link", Type: TypeIPv6Address, Array: true},
	// RFC 5223
	{Code: 51, Name: "v6-lost", Type: TypeFQDN},
	// RFC 5417
	{Code: 52, Name: "capwap-ac-v6", Type: TypeIPv6Address, Array: true},
	// RFC 5460
	{Code: 53, Name: "relay-id", Type: TypeBinary},
	// RFC 5986
	{Code: 57, Name: "v6-access-domain", Type: TypeFQDN},
	// RFC 6011
	{Code: 58, Name: "sip-ua-cs-list", Type: TypeFQDN, Array: true},
	// RFC 5970
	{Code: 59, Name: "bootfile-url", Type: TypeString},
	{Code: 60, Name: "bootfile-param", Type: TypeTuple, Array: true},
	{Code: 61, Name: "client-arch-type", Type: TypeUint16, Array: true},
	{Code: 62, Name: "nii", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8}},
	// RFC 6334
	{Code: 64, Name: "aftr-name", Type: TypeFQDN},
	// RFC 6440
	{Code: 65, Name: "erp-local-domain-name", Type: TypeFQDN},
	// RFC 6422
	{Code: 66, Name: "rsoo", Type: TypeEmpty, Encapsulate: SpaceRSOO},
	// RFC 6603
	// The ARM says binary; Kea defines pd-exclude as ipv6-prefix and accepts
	// "2001:db8::/64" in option-data, so Nestor does too (drop-in). The server
	// builds the real payload (RFC 6603: prefix-len, then the excluded bits
	// relative to the delegated prefix) from a pd-pool's excluded-prefix.
	{Code: 67, Name: "pd-exclude", Type: TypeIPv6Prefix},
	// RFC 6731
	{Code: 74, Name: "rdnss-selection", Type: TypeRecord, RecordTypes: []DataType{TypeIPv6Address, TypeUint8, TypeFQDN}, Array: true},
	// RFC 6939
	{Code: 79, Name: "client-linklayer-addr", Type: TypeBinary},
	// RFC 6977
	{Code: 80, Name: "link-address", Type: TypeIPv6Address},
	// RFC 7083
	{Code: 82, Name: "solmax-rt", Type: TypeUint32},
	{Code: 83, Name: "inf-max-rt", Type: TypeUint32},
	// RFC 7341
	{Code: 88, Name: "dhcp4o6-server-addr", Type: TypeIPv6Address, Array: true},
	// The ARM's table also lists s46-rule (89), s46-br (90), s46-dmr (91),
	// s46-v4v6bind (92) and s46-portparams (93) here, but they exist only
	// inside the containers, and Kea defines them only in the container
	// spaces (stdspaces.go), where the ARM's examples put them: option-data
	// naming them in "dhcp6" is an error in Kea, and option-def may use
	// their codes at the top level.
	// RFC 7598
	{Code: 94, Name: "s46-cont-mape", Type: TypeEmpty, Encapsulate: SpaceS46MAPE},
	{Code: 95, Name: "s46-cont-mapt", Type: TypeEmpty, Encapsulate: SpaceS46MAPT},
	{Code: 96, Name: "s46-cont-lw", Type: TypeEmpty, Encapsulate: SpaceS46LW},
	// RFC 8910
	{Code: 103, Name: "v6-captive-portal", Type: TypeString},
	// RFC 8572
	{Code: 136, Name: "v6-sztp-redirect", Type: TypeTuple, Array: true},
	// RFC 6153
	{Code: 143, Name: "ipv6-address-andsf", Type: TypeIPv6Address, Array: true},
	// RFC 9463
	// As for v4-dnr: the ARM's record(uint16, uint16, fqdn, binary) is the
	// wire layout, the configuration syntax needs Kea 2.6's internal type.
	{Code: 144, Name: "v6-dnr", Type: TypeInternal},
}

// std6Managed is the ARM table "List of standard DHCPv6 options managed by
// Kea on its own and not directly configurable by an administrator"; the
// ARM gives no types there, these are Kea's. The ARM calls options 1 and 2
// client-id and server-id; Kea names them clientid and serverid, and the
// ARM's spellings are accepted as aliases (see stdAliases).
var std6Managed = []Definition{
	// RFC 8415
	{Code: 1, Name: "clientid", Type: TypeBinary},
	{Code: 2, Name: "serverid", Type: TypeBinary},
	{Code: 3, Name: "ia-na", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeUint32, TypeUint32}},
	{Code: 4, Name: "ia-ta", Type: TypeUint32},
	{Code: 5, Name: "iaaddr", Type: TypeRecord, RecordTypes: []DataType{TypeIPv6Address, TypeUint32, TypeUint32}},
	{Code: 6, Name: "oro", Type: TypeUint16, Array: true},
	{Code: 8, Name: "elapsed-time", Type: TypeUint16},
	{Code: 9, Name: "relay-msg", Type: TypeBinary},
	{Code: 11, Name: "auth", Type: TypeBinary},
	{Code: 13, Name: "status-code", Type: TypeRecord, RecordTypes: []DataType{TypeUint16, TypeString}},
	{Code: 14, Name: "rapid-commit", Type: TypeEmpty},
	{Code: 15, Name: "user-class", Type: TypeBinary},
	{Code: 16, Name: "vendor-class", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}},
	{Code: 17, Name: "vendor-opts", Type: TypeUint32},
	{Code: 18, Name: "interface-id", Type: TypeBinary},
	{Code: 25, Name: "ia-pd", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeUint32, TypeUint32}},
	{Code: 26, Name: "iaprefix", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeUint32, TypeUint8, TypeIPv6Address}},
}

// std6Other holds what Kea defines in "dhcp6" beyond the ARM's two tables.
var std6Other = []Definition{
	// RFC 8415
	{Code: 19, Name: "reconf-msg", Type: TypeUint8},
	{Code: 20, Name: "reconf-accept", Type: TypeEmpty},
	// RFC 7341
	{Code: 87, Name: "dhcpv4-message", Type: TypeBinary},
	// RFC 8357
	{Code: 135, Name: "relay-source-port", Type: TypeUint16},
}
