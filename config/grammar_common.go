package config

// Grammar pieces shared by the Dhcp4 and Dhcp6 maps (and the DhcpDdns and
// Control-agent maps to come). Keys marked "2.6" are in the Kea 2.6 ARM but
// not in Kea 2.2's grammar; Nestor follows the ARM and accepts them.

var commentKeys = []keySpec{kUser("user-context"), kString("comment")}

func withComment(keys ...keySpec) []keySpec { return append(keys, commentKeys...) }

// optionDataSpec is an option-data entry.
func optionDataSpec() *mapSpec {
	return newMap("option-data", withComment(
		kString("name"), kString("data"), kInt("code"), kString("space"),
		kBool("csv-format"), kBool("always-send"),
		kBool("never-send"), // 2.6
	)...)
}

// optionDefSpec is an option-def entry.
func optionDefSpec() *mapSpec {
	return newMap("option-def", withComment(
		kString("name"), kInt("code"), kString("type"), kString("record-types"),
		kString("space"), kString("encapsulate"), kBool("array"),
	)...).require("name", "code", "type")
}

func hooksLibrarySpec() *mapSpec {
	m := newMap("hooks-libraries", withComment(
		kString("library"), kUser("parameters"),
	)...).nonEmpty(", expecting library or parameters or constant string").require("library")
	m.LaterExpect = `, expecting "," or }`
	return m
}

func outputOptionsSpec() *mapSpec {
	m := newMap("output-options",
		kString("output"), kBool("flush"), kInt("maxsize"), kInt("maxver"), kString("pattern"),
	).closed("").nonEmpty("")
	m.LaterExpect = `, expecting "," or }`
	return m
}

func loggerSpec() *mapSpec {
	oo := outputOptionsSpec()
	return newMap("loggers", withComment(
		kString("name"), kMaps("output_options", oo),
		kMaps("output-options", oo), // 2.6 alias
		kInt("debuglevel"), kString("severity"),
	)...).nonEmpty("")
}

// databaseSpec is lease-database, hosts-database(s) entries and
// config-databases entries; name is Kea's context name.
func databaseSpec(name string) *mapSpec {
	return newMap(name,
		kEnum("type", "memfile", "mysql", "postgresql"),
		kString("user"), kString("password"), kString("host"), kInt("port"),
		kString("name"), kBool("persist"), kInt("lfc-interval"), kBool("readonly"),
		kInt("connect-timeout"), kInt("max-reconnect-tries"), kInt("reconnect-wait-time"),
		kEnum("on-fail", "stop-retry-exit", "serve-retry-exit", "serve-retry-continue"),
		kInt("max-row-errors"),
		kString("trust-anchor"), kString("cert-file"), kString("key-file"), kString("cipher-list"),
		kBool("retry-on-startup"), kInt("read-timeout"), kInt("write-timeout"), kInt("tcp-user-timeout"), // 2.6
	).nonEmpty("").require("type")
}

// leaseDatabaseSpec is databaseSpec without "readonly", which Kea takes
// for host databases only.
func leaseDatabaseSpec() *mapSpec {
	m := databaseSpec("lease-database")
	delete(m.keys, "readonly")
	return m
}

func controlSocketSpec() *mapSpec {
	return newMap("control-socket", withComment(
		kString("socket-type"), kString("socket-name"),
	)...).nonEmpty("")
}

// controlSocketsSpec is an entry of the control-sockets list (Kea 2.7.2+):
// unix, http or https.
func controlSocketsSpec() *mapSpec {
	client := newMap("clients", withComment(
		kString("user"), kString("password"), kString("user-file"), kString("password-file"),
	)...)
	auth := newMap("authentication", withComment(
		kString("type"), kString("realm"), kString("directory"), kMaps("clients", client),
	)...).require("type")
	header := newMap("http-headers", withComment(kString("name"), kString("value"))...).require("name", "value")
	return newMap("control-sockets", withComment(
		kString("socket-type"), kString("socket-name"), kString("socket-address"), kInt("socket-port"),
		kMap("authentication", auth), kString("trust-anchor"), kString("cert-file"),
		kString("key-file"), kBool("cert-required"), kMaps("http-headers", header),
	)...).nonEmpty("").require("socket-type")
}

var replaceClientNameValues = []string{"when-present", "never", "always", "when-not-present"}

func kReplaceName(n string) keySpec {
	return keySpec{Name: n, Kind: vReplaceName, Enum: replaceClientNameValues}
}

func dhcpDdnsSpec() *mapSpec {
	return newMap("dhcp-ddns", withComment(
		kBool("enable-updates"), kString("server-ip"), kInt("server-port"),
		kString("sender-ip"), kInt("sender-port"), kInt("max-queue-size"),
		kEnum("ncr-protocol", "UDP", "TCP"), kEnum("ncr-format", "JSON"),
		// Deprecated aliases of the global ddns-* parameters.
		kString("qualifying-suffix"), kBool("override-no-update"), kBool("override-client-update"),
		kReplaceName("replace-client-name"), kString("generated-prefix"),
		kString("hostname-char-set"), kString("hostname-char-replacement"),
	)...).nonEmpty("").require("enable-updates")
}

func multiThreadingSpec() *mapSpec {
	return newMap("multi-threading", withComment(
		kBool("enable-multi-threading"), kInt("thread-pool-size"), kInt("packet-queue-size"),
	)...).nonEmpty("")
}

func queueControlSpec() *mapSpec {
	m := newMap("dhcp-queue-control", withComment(
		kBool("enable-queue"), kString("queue-type"), kInt("capacity"),
	)...).nonEmpty("").require("enable-queue")
	m.AnyKeys = true
	return m
}

func sanityChecksSpec() *mapSpec {
	return newMap("sanity-checks",
		kString("lease-checks"),
		kString("extended-info-checks"), // 2.6
	).closed(", expecting lease-checks").nonEmpty(", expecting lease-checks")
}

func expiredLeasesSpec() *mapSpec {
	return newMap("expired-leases-processing",
		kInt("reclaim-timer-wait-time"), kInt("flush-reclaimed-timer-wait-time"),
		kInt("hold-reclaimed-time"), kInt("max-reclaim-leases"), kInt("max-reclaim-time"),
		kInt("unwarned-reclaim-cycles"),
	).closed("").nonEmpty("")
}

func configControlSpec() *mapSpec {
	const exp = ", expecting config-databases or config-fetch-wait-time"
	return newMap("config-control",
		kMaps("config-databases", databaseSpec("config-database")), kInt("config-fetch-wait-time"),
	).closed(exp).nonEmpty(exp)
}

func relaySpec() *mapSpec {
	const exp = ", expecting ip-address or ip-addresses"
	return newMap("relay", kString("ip-address"), kStrings("ip-addresses")).closed(exp).nonEmpty(exp)
}

// globalCommonKeys are the global keys both DHCP servers share.
func globalCommonKeys() []keySpec {
	return withComment(
		kMaps("option-def", optionDefSpec()),
		kMaps("option-data", optionDataSpec()),
		kMaps("hooks-libraries", hooksLibrarySpec()),
		kMaps("loggers", loggerSpec()),
		kMap("lease-database", leaseDatabaseSpec()),
		kMap("hosts-database", databaseSpec("hosts-database")),
		kMaps("hosts-databases", databaseSpec("hosts-database")),
		kMap("control-socket", controlSocketSpec()),
		kMaps("control-sockets", controlSocketsSpec()), // 2.7
		kMap("dhcp-ddns", dhcpDdnsSpec()),
		kMap("multi-threading", multiThreadingSpec()),
		kMap("dhcp-queue-control", queueControlSpec()),
		kMap("sanity-checks", sanityChecksSpec()),
		kMap("expired-leases-processing", expiredLeasesSpec()),
		kMap("config-control", configControlSpec()),
		kString("server-tag"),
		kInt("decline-probation-period"),
		kInt("statistic-default-sample-count"), kInt("statistic-default-sample-age"),
		keySpec{Name: "host-reservation-identifiers", Kind: vIdentList, Enum: hostIdentifierNames},
		kBool("ip-reservations-unique"), kBool("reservations-lookup-first"),
		kBool("early-global-reservations-lookup"),
		kInt("parked-packet-limit"),
	)
}

// scopeCommonKeys are the parameters a DHCP server takes at global,
// shared-network and subnet level alike.
func scopeCommonKeys() []keySpec {
	return []keySpec{
		kInt("valid-lifetime"), kInt("min-valid-lifetime"), kInt("max-valid-lifetime"),
		kInt("renew-timer"), kInt("rebind-timer"),
		kBool("calculate-tee-times"), kFloat("t1-percent"), kFloat("t2-percent"),
		kFloat("cache-threshold"), kInt("cache-max-age"),
		kEnum("reservation-mode", "disabled", "out-of-pool", "global", "all"),
		kBool("reservations-global"), kBool("reservations-in-subnet"), kBool("reservations-out-of-pool"),
		kString("hostname-char-set"), kString("hostname-char-replacement"),
		kBool("ddns-send-updates"), kBool("ddns-override-no-update"), kBool("ddns-override-client-update"),
		kReplaceName("ddns-replace-client-name"), kString("ddns-generated-prefix"),
		kString("ddns-qualifying-suffix"), kBool("ddns-update-on-renew"),
		kBool("ddns-use-conflict-resolution"),
		kString("ddns-conflict-resolution-mode"), kFloat("ddns-ttl-percent"), // 2.6
		kBool("store-extended-info"),
		kString("allocator"), // 2.6
		kMaps("option-data", optionDataSpec()),
		kUser("user-context"), kString("comment"),
	}
}
