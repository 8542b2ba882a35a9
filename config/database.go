package config

import (
	"sort"
	"strings"
)

// Database is a lease-database, hosts-database(s) or config-databases
// entry. Type-specific keys are kept in Params by their Kea names, as
// written, so the backends can read what they need and unparse can show
// them back unchanged.
type Database struct {
	Type   string // memfile, mysql, postgresql
	Params *Node  // the map as written (minus nothing); Params.Get("name") etc.
	pos    Pos
}

// Pos is where the entry is in the configuration file.
func (db *Database) Pos() Pos { return db.pos }

// String returns a parameter as a string ("" if absent).
func (db *Database) String(key string) string {
	if v := db.Params.Get(key); v != nil && v.Kind == KindString {
		return v.Str
	}
	return ""
}

// Int returns an integer parameter and whether it was set.
func (db *Database) Int(key string) (int64, bool) {
	if v := db.Params.Get(key); v != nil && v.Kind == KindInt {
		return v.Int, true
	}
	return 0, false
}

// Bool returns a boolean parameter, or def when absent.
func (db *Database) Bool(key string, def bool) bool {
	if v := db.Params.Get(key); v != nil && v.Kind == KindBool {
		return v.Bool
	}
	return def
}

// DatabaseBackends lists the lease database types this build of Nestor
// can open; HostBackends and ConfigBackends the hosts-database(s) and
// config-databases types. Kea's -t accepts any type its grammar knows
// without connecting; Nestor does the same and reports a missing backend
// when it must open one (-T, server start) with MissingBackend.
var (
	DatabaseBackends = map[string]bool{"memfile": true, "mysql": true, "postgresql": true}
	HostBackends     = map[string]bool{"mysql": true, "postgresql": true}
	ConfigBackends   = map[string]bool{}
)

// backendsFor returns the backend list of a "lease database", "hosts
// database" or "config database" (also with a dash).
func backendsFor(what string) map[string]bool {
	switch {
	case strings.HasPrefix(what, "hosts"):
		return HostBackends
	case strings.HasPrefix(what, "config"):
		return ConfigBackends
	}
	return DatabaseBackends
}

// MissingBackend returns the message for a database type Nestor has no
// backend for, or "" when it has one.
func MissingBackend(what, typ string) string {
	if backendsFor(what)[typ] {
		return ""
	}
	return what + " type " + typ + " is not supported by Nestor yet (no " + typ + " backend in this build)"
}

// KnownBackends returns the available lease backend types, sorted.
func KnownBackends() []string {
	var out []string
	for k := range DatabaseBackends {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readDatabase reads one database map; ctx is Kea's context name.
func (d *decoder) readDatabase(m *Node, ctx string) *Database {
	r := newReader(m)
	var typ Opt[string]
	r.str("type", &typ)
	db := &Database{Type: typ.V, Params: m.Clone(), pos: m.Pos()}
	// Kea 2.2's DbAccessParser range checks, with its wording.
	if v := m.Get("port"); v != nil && (v.Int < 0 || v.Int > 65535) {
		r.errorf(v.Pos(), "port value: %d is out of range, expected value: 0..65535", v.Int)
	}
	for _, k := range []string{"lfc-interval", "connect-timeout", "max-row-errors", "read-timeout", "write-timeout", "tcp-user-timeout"} {
		if v := m.Get(k); v != nil && (v.Int < 0 || v.Int > 1<<32-1) {
			r.errorf(v.Pos(), "%s value: %d is out of range, expected value: 0..4294967295", k, v.Int)
		}
	}
	if v := m.Get("max-reconnect-tries"); v != nil && v.Int < 0 {
		r.errorf(v.Pos(), "max-reconnect-tries cannot be less than zero: ")
	}
	if v := m.Get("reconnect-wait-time"); v != nil && (v.Int < 0 || v.Int > 1<<32-1) {
		r.errorf(v.Pos(), "reconnect-wait-time %d must be in range 0...MAX_UINT32 (4294967295)", v.Int)
	}
	if r.err == nil && typ.V != "mysql" {
		for _, k := range []string{"read-timeout", "write-timeout"} {
			if v := m.Get(k); v != nil && v.Int > 0 {
				r.errorf(v.Pos(), "%s value is only supported by the mysql backend", k)
			}
		}
	}
	if r.err == nil && typ.V != "postgresql" {
		if v := m.Get("tcp-user-timeout"); v != nil && v.Int > 0 {
			r.errorf(v.Pos(), "tcp-user-timeout value is only supported by the postgresql backend")
		}
	}
	if r.err == nil && (ctx == "hosts-database" || ctx == "config-database") && typ.V == "memfile" {
		r.errorf(r.pos("type"), "hosts database of type memfile is not supported")
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	return db
}
