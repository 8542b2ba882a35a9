// Package config is the typed model of Kea's configuration files, with
// Kea's validation, inheritance and unparse, so that an unchanged Kea
// configuration loads into Nestor and a broken one fails with Kea's words.
//
// Loading runs in four steps. config/kjson reads the extended JSON
// (comments, includes, positions). checkTop/checkMap walk the tree against
// the key tables (keys.go, grammar_common.go, grammar4.go) in document order
// and report what Kea's bison grammar reports: unknown keywords, wrong value
// types, missing parameters. The decoder then fills the typed model
// (model4.go and the per-area files) in the order Kea's configuration
// parsers run, checking values with Kea's messages, and validate4.go makes
// the cross checks. Finally inherit.go resolves every subnet's effective
// parameters (subnet -> shared network -> global -> default).
//
// The result, *Dhcp4, is an immutable snapshot: servers read it
// concurrently and a reconfiguration builds a new one. Unparse4 writes it
// back as Kea's config-get shows it and Hash gives config-hash-get's value.
//
// Where Kea 2.2 (the installed oracle) and the Kea 2.6 ARM differ, the key
// tables accept the 2.6 keys too (marked "2.6" in the tables) and defaults
// follow the ARM; see COMPAT.md in this directory.
package config
