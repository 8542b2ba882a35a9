package config

import "sort"

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

// DatabaseBackends lists the database types this build of Nestor can open.
// Kea's -t accepts any type its grammar knows without connecting; Nestor
// does the same and reports a missing backend when it must open one (-T,
// server start) with MissingBackend.
var DatabaseBackends = map[string]bool{"memfile": true}

// MissingBackend returns the message for a database type Nestor has no
// backend for, or "" when it has one.
func MissingBackend(what, typ string) string {
	if DatabaseBackends[typ] {
		return ""
	}
	return what + " type " + typ + " is not supported by Nestor yet (no " + typ + " backend in this build)"
}

// KnownBackends returns the available backend types, sorted.
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
	for _, k := range []string{"port"} {
		if v := m.Get(k); v != nil && (v.Int < 0 || v.Int > 65535) {
			r.errorf(v.Pos(), "out of range value (%d) specified for parameter '%s'", v.Int, k)
		}
	}
	for _, k := range []string{"lfc-interval", "connect-timeout", "max-reconnect-tries",
		"reconnect-wait-time", "max-row-errors", "read-timeout", "write-timeout", "tcp-user-timeout"} {
		if v := m.Get(k); v != nil && (v.Int < 0 || v.Int > 1<<32-1) {
			r.errorf(v.Pos(), "out of range value (%d) specified for parameter '%s'", v.Int, k)
		}
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
