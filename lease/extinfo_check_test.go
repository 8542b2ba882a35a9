package lease

import "testing"

// TestUpgradeExtendedInfo4 follows the cases of Kea 2.6's
// ExtendedInfoChecksTest (lease_mgr_unittest.cc) for DHCPv4.
func TestUpgradeExtendedInfo4(t *testing.T) {
	for _, c := range []struct {
		name, in, check, out, problem string
		upgraded                      bool
	}{
		{"not a map, none", `1`, "none", `1`, "", false},
		{"not a map, fix", `1`, "fix", ``, "in user context a problem was found: user context is not a map", false},
		{"empty, none", `{ }`, "none", `{ }`, "", false},
		{"empty, fix", `{ }`, "fix", ``, "", false},
		{"no ISC, pedantic", `{ "foo": 1 }`, "pedantic", `{ "foo": 1 }`, "", false},
		{"ISC not a map", `{ "ISC": 1 }`, "fix", ``, "in isc a problem was found: ISC entry is not a map", false},
		{"ISC not a map, others", `{ "ISC": 1, "foo": 2 }`, "fix", `{ "foo": 2 }`, "in isc a problem was found: ISC entry is not a map", false},
		{"empty ISC", `{ "ISC": { } }`, "", ``, "", false},
		{"no RAI", `{ "ISC": { "foo": 1 } }`, "pedantic", `{ "ISC": { "foo": 1 } }`, "", false},
		{"RAI bad type", `{ "ISC": { "relay-agent-info": true } }`, "fix", ``, "in relay-agent-info a problem was found: relay-agent-info is not a map or a string", false},
		{"RAI bad type, others", `{ "ISC": { "relay-agent-info": true, "foo": 1 } }`, "fix", `{ "ISC": { "foo": 1 } }`, "in relay-agent-info a problem was found: relay-agent-info is not a map or a string", false},
		{"RAI junk string", `{ "ISC": { "relay-agent-info": "foo" } }`, "fix", ``, "in rai a problem was found: 'foo' is not a valid string of hexadecimal digits", false},
		{"RAI empty string", `{ "ISC": { "relay-agent-info": "0x" } }`, "fix", ``, "in rai a problem was found: '0x' is not a valid string of hexadecimal digits", false},
		{"RAI junk string, none", `{ "ISC": { "relay-agent-info": "foo" } }`, "none", `{ "ISC": { "relay-agent-info": "foo" } }`, "", false},
		{"upgrade", `{ "ISC": { "relay-agent-info": "0x0104AABBCCDD" } }`, "fix", `{ "ISC": { "relay-agent-info": { "sub-options": "0x0104AABBCCDD" } } }`, "", true},
		{"upgrade, default level", `{ "ISC": { "relay-agent-info": "0x0104AABBCCDD" } }`, "", `{ "ISC": { "relay-agent-info": { "sub-options": "0x0104AABBCCDD" } } }`, "", true},
		{"upgrade with ids", `{ "ISC": { "relay-agent-info": "0x02030102030C03AABBCC" }, "comment": "c" }`, "pedantic",
			`{ "ISC": { "relay-agent-info": { "relay-id": "AABBCC", "remote-id": "010203", "sub-options": "0x02030102030C03AABBCC" } }, "comment": "c" }`, "", true},
		{"sub-options bad type, fix", `{ "ISC": { "relay-agent-info": { "sub-options": 1 } } }`, "fix", `{ "ISC": { "relay-agent-info": { "sub-options": 1 } } }`, "", false},
		{"sub-options bad type, strict", `{ "ISC": { "relay-agent-info": { "sub-options": 1 } } }`, "strict", ``, "in sub-options a problem was found: sub-options is not a string", false},
		{"sub-options junk, strict", `{ "ISC": { "relay-agent-info": { "sub-options": "foo" } } }`, "strict", ``, "in sub-options a problem was found: 'foo' is not a valid string of hexadecimal digits", false},
		{"remote-id bad type, strict", `{ "ISC": { "relay-agent-info": { "remote-id": 1 } } }`, "strict", ``, "in remote-id a problem was found: remote-id is not a string", false},
		{"remote-id junk, fix", `{ "ISC": { "relay-agent-info": { "remote-id": "foo" } } }`, "fix", `{ "ISC": { "relay-agent-info": { "remote-id": "foo" } } }`, "", false},
		{"remote-id junk, strict", `{ "ISC": { "relay-agent-info": { "remote-id": "fooo" } } }`, "strict", ``, "in remote-id a problem was found: attempt to decode a value not in base16 char set", false},
		{"remote-id empty, strict", `{ "ISC": { "relay-agent-info": { "remote-id": "" } } }`, "strict", ``, "in remote-id a problem was found: remote-id is empty", false},
		{"remote-id valid, strict", `{ "ISC": { "relay-agent-info": { "remote-id": "AABB" } } }`, "strict", `{ "ISC": { "relay-agent-info": { "remote-id": "AABB" } } }`, "", false},
		{"relay-id empty, strict", `{ "ISC": { "relay-agent-info": { "relay-id": "" }, "foo": 1 } }`, "strict", `{ "ISC": { "foo": 1 } }`, "in relay-id a problem was found: relay-id is empty", false},
		{"spurious, strict", `{ "ISC": { "relay-agent-info": { "foo": 1 } } }`, "strict", `{ "ISC": { "relay-agent-info": { "foo": 1 } } }`, "", false},
		{"spurious, pedantic", `{ "ISC": { "relay-agent-info": { "foo": 1 } } }`, "pedantic", ``, "in relay-agent-info a problem was found: spurious 'foo' entry in relay-agent-info", false},
		{"comment, pedantic", `{ "ISC": { "relay-agent-info": { "comment": "x", "sub-options": "0x0101AA" } } }`, "pedantic", `{ "ISC": { "relay-agent-info": { "comment": "x", "sub-options": "0x0101AA" } } }`, "", false},
	} {
		r := UpgradeExtendedInfo4([]byte(c.in), c.check)
		got := c.in
		if r.Changed {
			got = string(r.Context)
		}
		if got != c.out || r.Problem != c.problem || r.Upgraded != c.upgraded {
			t.Errorf("%s: got %q (problem %q, upgraded %v), want %q (problem %q, upgraded %v)", c.name, got, r.Problem, r.Upgraded, c.out, c.problem, c.upgraded)
		}
	}
}

// TestUpgradeExtendedInfo6 follows Kea 2.6's upgradeLease6ExtendedInfo.
func TestUpgradeExtendedInfo6(t *testing.T) {
	const armRelay = `{ "hop": 1, "link": "2001:db8::5", "options": "0x00250006010203040506003500086464646464646464", "peer": "2001:db8::6" }`
	for _, c := range []struct {
		name, in, check, out, problem string
		upgraded                      bool
	}{
		{"none", `{ "ISC": { "relays": 1 } }`, "none", `{ "ISC": { "relays": 1 } }`, "", false},
		{"no ISC", `{ "foo": 1 }`, "pedantic", `{ "foo": 1 }`, "", false},
		{"ISC not a map", `{ "ISC": 1, "foo": 2 }`, "fix", `{ "foo": 2 }`, "in isc a problem was found: ISC entry is not a map", false},
		{"upgrade (ARM example)", `{ "ISC": { "relays": [ ` + armRelay + ` ] } }`, "fix",
			`{ "ISC": { "relay-info": [ { "hop": 1, "link": "2001:db8::5", "options": "0x00250006010203040506003500086464646464646464", "peer": "2001:db8::6", "relay-id": "6464646464646464", "remote-id": "010203040506" } ] } }`, "", true},
		{"upgrade, pedantic", `{ "ISC": { "relays": [ { "hop": 3, "link": "2001:db8::1", "peer": "2001:db8::2" } ] } }`, "pedantic",
			`{ "ISC": { "relay-info": [ { "hop": 3, "link": "2001:db8::1", "peer": "2001:db8::2" } ] } }`, "", true},
		{"both forms", `{ "ISC": { "relay-info": [ { "link": "2001:db8::1" } ], "relays": [ ] } }`, "fix",
			`{ "ISC": { "relay-info": [ { "link": "2001:db8::1" } ] } }`, "", false},
		{"relays not a list", `{ "ISC": { "relays": 1, "foo": 1 } }`, "fix", `{ "ISC": { "foo": 1 } }`, "in relays a problem was found: relays is not a list", false},
		{"relays empty", `{ "ISC": { "relays": [ ] } }`, "fix", ``, "in relays a problem was found: relays is empty", false},
		{"relay-info not a list", `{ "ISC": { "relay-info": "x" } }`, "fix", ``, "in relay-info a problem was found: relay-info is not a list", false},
		{"relay not a map", `{ "ISC": { "relay-info": [ 1 ] } }`, "fix", ``, "in relay [relay#0] a problem was found: relay#0 is not a map", false},
		{"junk options", `{ "ISC": { "relay-info": [ { "options": "foo" } ] } }`, "fix", ``, "in options [relay#0] a problem was found: 'foo' is not a valid string of hexadecimal digits", false},
		{"no link, fix", `{ "ISC": { "relay-info": [ { "hop": 1 } ] } }`, "fix", `{ "ISC": { "relay-info": [ { "hop": 1 } ] } }`, "", false},
		{"no link, strict", `{ "ISC": { "relay-info": [ { "hop": 1 } ] } }`, "strict", ``, "in link [relay#0] a problem was found: no link", false},
		{"empty remote-id, strict", `{ "ISC": { "relay-info": [ { "link": "2001:db8::1", "remote-id": "" } ] } }`, "strict", ``, "in remote-id [relay#0] a problem was found: remote-id is empty", false},
		{"no peer, pedantic", `{ "ISC": { "relay-info": [ { "link": "2001:db8::1" } ] } }`, "pedantic", ``, "in peer [relay#0] a problem was found: no peer", false},
		{"spurious, pedantic", `{ "ISC": { "relay-info": [ { "hop": 0, "link": "2001:db8::1", "peer": "2001:db8::2", "x": 1 } ] } }`, "pedantic", ``, "in relay-info [relay#0] a problem was found: spurious 'x' entry", false},
	} {
		r := UpgradeExtendedInfo6([]byte(c.in), c.check)
		got := c.in
		if r.Changed {
			got = string(r.Context)
		}
		if got != c.out || r.Problem != c.problem || r.Upgraded != c.upgraded {
			t.Errorf("%s:\n got %q (problem %q, upgraded %v)\nwant %q (problem %q, upgraded %v)", c.name, got, r.Problem, r.Upgraded, c.out, c.problem, c.upgraded)
		}
	}
}
