package config

import "sync"

// The Dhcp4 grammar: Kea 2.2's dhcp4_parser.yy key sets, extended with the
// keys of the Kea 2.6 ARM (marked "2.6").

func interfaces4Spec() *mapSpec {
	return newMap("interfaces-config", withComment(
		kStrings("interfaces"),
		kEnum("dhcp-socket-type", "raw", "udp"),
		kEnum("outbound-interface", "same-as-inbound", "use-routing"),
		kBool("re-detect"), kBool("service-sockets-require-all"),
		kInt("service-sockets-max-retries"), kInt("service-sockets-retry-wait-time"),
	)...).nonEmpty("")
}

// scope4Keys are the parameters of global, shared-network and subnet4.
func scope4Keys() []keySpec {
	return append(scopeCommonKeys(),
		kBool("match-client-id"), kBool("authoritative"),
		kString("next-server"), kString("server-hostname"), kString("boot-file-name"),
		kInt("offer-lifetime"), // 2.6
	)
}

func pool4Spec() *mapSpec {
	return newMap("pools", withComment(
		kString("pool"), kInt("pool-id"), // pool-id: 2.6
		kMaps("option-data", optionDataSpec()),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("").require("pool")
}

func reservation4Spec() *mapSpec {
	return newMap("reservations", withComment(
		kString("duid"), kString("hw-address"), kString("circuit-id"), kString("client-id"),
		kString("flex-id"), kString("ip-address"), kString("hostname"),
		kMaps("option-data", optionDataSpec()), kStrings("client-classes"),
		kString("next-server"), kString("server-hostname"), kString("boot-file-name"),
	)...)
}

func clientClass4Spec() *mapSpec {
	m := newMap("client-classes", withComment(
		kString("name"), kString("test"), kString("template-test"), // template-test: 2.6
		kBool("only-if-required"),
		kMaps("option-def", optionDefSpec()), kMaps("option-data", optionDataSpec()),
		kString("next-server"), kString("server-hostname"), kString("boot-file-name"),
		kInt("valid-lifetime"), kInt("min-valid-lifetime"), kInt("max-valid-lifetime"),
		kInt("offer-lifetime"), // 2.6
	)...).require("name")
	m.Tokens = map[string]bool{"client-class": true}
	return m
}

func subnet4Spec() *mapSpec {
	return newMap("subnet4", append(scope4Keys(),
		kInt("id"), kString("subnet"), kMaps("pools", pool4Spec()),
		kMaps("reservations", reservation4Spec()),
		kString("interface"), kMap("relay", relaySpec()),
		kString("client-class"), kStrings("require-client-classes"),
		kString("4o6-interface"), kString("4o6-interface-id"), kString("4o6-subnet"),
	)...).nonEmpty("").require("subnet")
}

func sharedNetwork4Spec() *mapSpec {
	return newMap("shared-networks", append(scope4Keys(),
		kString("name"), kMaps("subnet4", subnet4Spec()),
		kString("interface"), kMap("relay", relaySpec()),
		kString("client-class"), kStrings("require-client-classes"),
	)...).nonEmpty("")
}

func compatibility4Spec() *mapSpec {
	return newMap("compatibility",
		kBool("lenient-option-parsing"),
		kBool("ignore-dhcp-server-identifier"), kBool("ignore-rai-link-selection"), // 2.6
		kBool("exclude-first-last-24"), // 2.6
	).nonEmpty(", expecting lenient-option-parsing or constant string")
}

func dhcp4Spec() *mapSpec {
	keys := append(scope4Keys(), globalCommonKeys()...)
	keys = append(keys,
		kMaps("subnet4", subnet4Spec()),
		kMaps("shared-networks", sharedNetwork4Spec()),
		kMap("interfaces-config", interfaces4Spec()),
		kMaps("reservations", reservation4Spec()),
		kMaps("client-classes", clientClass4Spec()),
		kInt("dhcp4o6-port"),
		kBool("echo-client-id"),
		kMap("compatibility", compatibility4Spec()),
		kBool("stash-agent-options"), // 2.6
	)
	return newMap("Dhcp4", keys...).nonEmpty("")
}

var (
	dhcp4Once    sync.Once
	dhcp4Grammar *mapSpec
)

// grammar4 returns the Dhcp4 map table, built once.
func grammar4() *mapSpec {
	dhcp4Once.Do(func() { dhcp4Grammar = dhcp4Spec() })
	return dhcp4Grammar
}

// checkTop checks the top-level object of a daemon's file: a map holding
// exactly the daemon's map (Kea 2.2's grammar refuses any sibling).
func checkTop(doc *Node, daemon string, spec *mapSpec) (*Node, *Error) {
	if doc.Kind != KindMap {
		return nil, unexpected(doc, ", expecting {")
	}
	if len(doc.Entries) == 0 {
		end := doc.Span.End
		return nil, syntaxErr(Span{Start: end, End: end}, "syntax error, unexpected }, expecting %s", daemon)
	}
	first := &doc.Entries[0]
	if first.Key != daemon {
		return nil, syntaxErr(first.KeyPos, "syntax error, unexpected constant string, expecting %s", daemon)
	}
	if first.Value.Kind != KindMap {
		return nil, unexpected(first.Value, ", expecting {")
	}
	if err := checkMap(first.Value, spec, first.KeyPos.Start); err != nil {
		return nil, err
	}
	if len(doc.Entries) > 1 {
		e := &doc.Entries[1]
		tok := "constant string"
		if e.Key == daemon {
			tok = daemon
		}
		return nil, syntaxErr(e.KeyPos, "syntax error, unexpected %s, expecting \",\" or }", tok)
	}
	return first.Value, nil
}
