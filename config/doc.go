// Package config is the typed model of Kea's configuration files, with
// Kea's validation, inheritance and unparse, so that an unchanged Kea
// configuration loads into Nestor and a broken one fails with Kea's words.
//
// Loading runs in four steps. config/kjson reads the extended JSON
// (comments, includes, positions). checkTop/checkMap walk the tree against
// the key tables (keys.go, grammar_common.go, grammar4.go, grammar6.go) in
// document order and report what Kea's bison grammar reports: unknown
// keywords, wrong value types, missing parameters. The decoder then fills
// the typed model (model4.go, model6.go and the per-area files) in the
// order Kea's configuration parsers run, checking values with Kea's
// messages (option data and definitions through package option, client
// class expressions through package eval), and validate4.go / validate6.go
// make the cross checks. Finally inherit.go and inherit6.go resolve every
// subnet's effective parameters (subnet -> shared network -> global ->
// default).
//
// The results, *Dhcp4 (LoadDhcp4File, ParseDhcp4) and *Dhcp6
// (LoadDhcp6File, ParseDhcp6), are immutable snapshots: servers read them
// concurrently and a reconfiguration builds new ones. Unparse4 and Unparse6
// write them back as Kea's config-get shows them, Hash4 and Hash6 give
// config-hash-get's value, and CheckDhcp4File / CheckDhcp6File are
// "kea-dhcpN -t" and "-T".
//
// Where Kea 2.2 (the installed oracle) and the Kea 2.6 ARM differ, the key
// tables accept the 2.6 keys too (marked "2.6" in the tables) and defaults
// follow the ARM; see COMPAT.md in this directory.
package config
