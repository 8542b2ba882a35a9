package config

import "sync"

// The Dhcp6 grammar: Kea 2.2's dhcp6_parser.yy key sets, extended with the
// keys of the Kea 2.6 ARM (marked "2.6"). The maps both servers share come
// from grammar_common.go.

func interfaces6Spec() *mapSpec {
	return newMap("interfaces-config", withComment(
		kStrings("interfaces"),
		kBool("re-detect"), kBool("service-sockets-require-all"),
		kInt("service-sockets-max-retries"), kInt("service-sockets-retry-wait-time"),
	)...).nonEmpty("")
}

// scope6Keys are the parameters of global, shared-network and subnet6.
func scope6Keys() []keySpec {
	return append(scopeCommonKeys(),
		kInt("preferred-lifetime"), kInt("min-preferred-lifetime"), kInt("max-preferred-lifetime"),
		kString("pd-allocator"), // 2.6
	)
}

func pool6Spec() *mapSpec {
	return newMap("pools", withComment(
		kString("pool"), kInt("pool-id"), // pool-id: 2.6
		kMaps("option-data", optionDataSpec()),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("").require("pool")
}

func pdPoolSpec() *mapSpec {
	return newMap("pd-pools", withComment(
		kString("prefix"), kInt("prefix-len"), kInt("delegated-len"),
		kString("excluded-prefix"), kInt("excluded-prefix-len"),
		kInt("pool-id"), // 2.6
		kMaps("option-data", optionDataSpec()),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("").require("prefix", "prefix-len", "delegated-len")
}

func reservation6Spec() *mapSpec {
	return newMap("reservations", withComment(
		kString("duid"), kString("hw-address"), kString("flex-id"),
		kStrings("ip-addresses"), kStrings("prefixes"), kString("hostname"),
		kMaps("option-data", optionDataSpec()), kStrings("client-classes"),
	)...)
}

func clientClass6Spec() *mapSpec {
	m := newMap("client-classes", withComment(
		kString("name"), kString("test"), kString("template-test"), // template-test: 2.6
		kBool("only-if-required"),
		kMaps("option-def", optionDefSpec()), // 2.6
		kMaps("option-data", optionDataSpec()),
		kInt("valid-lifetime"), kInt("min-valid-lifetime"), kInt("max-valid-lifetime"),
		kInt("preferred-lifetime"), kInt("min-preferred-lifetime"), kInt("max-preferred-lifetime"),
	)...).require("name")
	m.Tokens = map[string]bool{"client-class": true}
	return m
}

func subnet6Spec() *mapSpec {
	return newMap("subnet6", append(scope6Keys(),
		kInt("id"), kString("subnet"),
		kMaps("pools", pool6Spec()), kMaps("pd-pools", pdPoolSpec()),
		kMaps("reservations", reservation6Spec()),
		kString("interface"), kString("interface-id"), kMap("relay", relaySpec()),
		kBool("rapid-commit"),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("").require("subnet")
}

func sharedNetwork6Spec() *mapSpec {
	return newMap("shared-networks", append(scope6Keys(),
		kString("name"), kMaps("subnet6", subnet6Spec()),
		kString("interface"), kString("interface-id"), kMap("relay", relaySpec()),
		kBool("rapid-commit"),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("")
}

func serverIDSpec() *mapSpec {
	return newMap("server-id", withComment(
		kEnum("type", "LLT", "EN", "LL"), kInt("htype"), kString("identifier"),
		kInt("time"), kInt("enterprise-id"), kBool("persist"),
	)...).nonEmpty("").require("type")
}

func compatibility6Spec() *mapSpec {
	return newMap("compatibility",
		kBool("lenient-option-parsing"),
	).nonEmpty(", expecting lenient-option-parsing or constant string")
}

var hostIdentifierNames6 = []string{"duid", "hw-address", "flex-id"}

func dhcp6Spec() *mapSpec {
	keys := append(scope6Keys(), globalCommonKeys()...)
	keys = append(keys,
		kString("data-directory"),
		kMaps("subnet6", subnet6Spec()),
		kMaps("shared-networks", sharedNetwork6Spec()),
		kMap("interfaces-config", interfaces6Spec()),
		kMaps("reservations", reservation6Spec()),
		kMaps("client-classes", clientClass6Spec()),
		keySpec{Name: "mac-sources", Kind: vStrings, ListExpect: ", expecting duid or constant string"},
		kStrings("relay-supplied-options"),
		kMap("server-id", serverIDSpec()),
		kInt("dhcp4o6-port"),
		kMap("compatibility", compatibility6Spec()),
	)
	m := newMap("Dhcp6", keys...).nonEmpty("")
	// The v6 host identifiers.
	m.keys["host-reservation-identifiers"] = &keySpec{Name: "host-reservation-identifiers",
		Kind: vIdentList, Enum: hostIdentifierNames6, ListExpect: ", expecting duid or hw-address or flex-id"}
	return m
}

var (
	dhcp6Once    sync.Once
	dhcp6Grammar *mapSpec
)

// grammar6 returns the Dhcp6 map table, built once.
func grammar6() *mapSpec {
	dhcp6Once.Do(func() { dhcp6Grammar = dhcp6Spec() })
	return dhcp6Grammar
}
