package config

import "strings"

// The key tables: for every map Kea's grammar knows, the keys it allows,
// the type of each value and the keys it requires. checkGrammar walks a
// document against them in document order and reports the first problem the
// way Kea's bison parser does, so later stages can read values without
// re-checking types. The tables are shared by the Dhcp4 and Dhcp6 grammars
// (and later DhcpDdns and Control-agent): each daemon builds its own
// top-level maps from the common pieces in grammar_common.go.

// valKind is what a key's value must be.
type valKind uint8

const (
	vInt         valKind = iota // integer
	vFloat                      // floating point (Kea's grammar takes no integer here)
	vBool                       // boolean
	vString                     // constant string
	vEnum                       // constant string from a fixed set the grammar checks
	vMap                        // map described by Sub
	vMaps                       // list of maps described by Sub
	vStrings                    // list of strings
	vUserMap                    // any JSON map (user-context, parameters)
	vAny                        // any JSON value
	vReplaceName                // ddns-replace-client-name: enum, booleans refused with a message
	vIdentList                  // host-reservation-identifiers: list of identifier keywords
)

// keySpec describes one key of a map.
type keySpec struct {
	Name string
	Kind valKind
	Enum []string
	Sub  *mapSpec
	// ListExpect, for a list Kea's grammar requires to be non-empty
	// (mac-sources, the DHCPv6 host-reservation-identifiers), is the bison
	// tail of "syntax error, unexpected ]" and of a wrong first item.
	ListExpect string
}

// mapSpec describes one map context of the grammar.
type mapSpec struct {
	// Name is the context name Kea prints ("... in subnet4 map.").
	Name string
	// Closed maps have no catch-all rule in Kea's grammar: an unknown key
	// is "syntax error, unexpected constant string" followed by Expect.
	Closed bool
	Expect string
	// LaterExpect, when set, is the bison message tail for an unknown key
	// that is not the map's first: some of Kea's map rules only catch an
	// unknown keyword in first position.
	LaterExpect string
	// NonEmpty maps cannot be {} ("syntax error, unexpected }" + EmptyExpect).
	NonEmpty    bool
	EmptyExpect string
	// AnyKeys accepts keys not in the table with any value
	// (dhcp-queue-control takes custom queue parameters).
	AnyKeys bool
	// Tokens are keys Kea's lexer reads as keywords in this map although
	// its grammar does not take them here: "syntax error, unexpected KEY,
	// expecting }".
	Tokens   map[string]bool
	Required []string
	keys     map[string]*keySpec
}

func newMap(name string, keys ...keySpec) *mapSpec {
	m := &mapSpec{Name: name, keys: make(map[string]*keySpec, len(keys))}
	m.add(keys...)
	return m
}

func (m *mapSpec) add(keys ...keySpec) *mapSpec {
	for i := range keys {
		k := keys[i]
		m.keys[k.Name] = &k
	}
	return m
}

func (m *mapSpec) nonEmpty(expect string) *mapSpec {
	m.NonEmpty, m.EmptyExpect = true, expect
	return m
}

func (m *mapSpec) closed(expect string) *mapSpec {
	m.Closed, m.Expect = true, expect
	return m
}

func (m *mapSpec) require(keys ...string) *mapSpec {
	m.Required = append(m.Required, keys...)
	return m
}

// key returns the spec of key, or nil.
func (m *mapSpec) key(name string) *keySpec { return m.keys[name] }

// Shorthands for building tables.
func kInt(n string) keySpec     { return keySpec{Name: n, Kind: vInt} }
func kFloat(n string) keySpec   { return keySpec{Name: n, Kind: vFloat} }
func kBool(n string) keySpec    { return keySpec{Name: n, Kind: vBool} }
func kString(n string) keySpec  { return keySpec{Name: n, Kind: vString} }
func kStrings(n string) keySpec { return keySpec{Name: n, Kind: vStrings} }
func kUser(n string) keySpec    { return keySpec{Name: n, Kind: vUserMap} }
func kEnum(n string, vals ...string) keySpec {
	return keySpec{Name: n, Kind: vEnum, Enum: vals}
}
func kMap(n string, sub *mapSpec) keySpec  { return keySpec{Name: n, Kind: vMap, Sub: sub} }
func kMaps(n string, sub *mapSpec) keySpec { return keySpec{Name: n, Kind: vMaps, Sub: sub} }

// expecting lists alternatives the way bison does: only when there are at
// most four.
func expecting(alts []string) string {
	if len(alts) == 0 || len(alts) > 4 {
		return ""
	}
	return ", expecting " + strings.Join(alts, " or ")
}

// checkMap checks map node n against spec. at is where Kea places the map
// element: the key naming it, or the map itself inside a list.
func checkMap(n *Node, spec *mapSpec, at Pos) *Error {
	if spec.NonEmpty && len(n.Entries) == 0 {
		end := n.Span.End
		return syntaxErr(Span{Start: end, End: end}, "syntax error, unexpected }%s", spec.EmptyExpect)
	}
	seen := make(map[string]*Entry, len(n.Entries))
	for i := range n.Entries {
		e := &n.Entries[i]
		ks := spec.key(e.Key)
		if ks == nil && spec.Tokens[e.Key] {
			return syntaxErr(e.KeyPos, "syntax error, unexpected %s, expecting }", e.Key)
		}
		if ks == nil && !spec.AnyKeys {
			if spec.LaterExpect != "" && i > 0 {
				return syntaxErr(e.KeyPos, "syntax error, unexpected constant string%s", spec.LaterExpect)
			}
			if spec.Closed {
				return syntaxErr(e.KeyPos, "syntax error, unexpected constant string%s", spec.Expect)
			}
			return syntaxErr(e.KeyPos, "got unexpected keyword \"%s\" in %s map.", e.Key, spec.Name)
		}
		if prev, dup := seen[e.Key]; dup {
			return &Error{Kind: SyntaxError, AtPos: true, Pos: e.KeyPos.Start,
				Msg: "duplicate " + e.Key + " entries in " + spec.Name + " map (previous at " + valuePos(prev, ks).String() + ")"}
		}
		seen[e.Key] = e
		if ks == nil {
			continue
		}
		if err := checkValue(e, ks); err != nil {
			return err
		}
	}
	for _, r := range spec.Required {
		if _, ok := seen[r]; !ok {
			return &Error{Kind: SyntaxError, Msg: "missing parameter '" + r + "'", Pos: at,
				Map: &Span{Start: n.Span.Start, End: n.Span.End}, MapName: spec.Name}
		}
	}
	return nil
}

// valuePos is the position Kea gives the element stored under a key: maps
// and lists built by a keyword rule carry the key's position, scalars their
// own.
func valuePos(e *Entry, ks *keySpec) Pos {
	if ks != nil {
		switch ks.Kind {
		case vMap, vMaps, vStrings:
			return e.KeyPos.Start
		}
	}
	return e.Value.Pos()
}

func unexpected(v *Node, expect string) *Error {
	tok := v.Span
	if v.Kind == KindMap || v.Kind == KindList {
		tok = Span{Start: v.Span.Start, End: v.Span.Start}
	}
	return syntaxErr(tok, "syntax error, unexpected %s%s", v.Kind.tokenName(), expect)
}

func checkValue(e *Entry, ks *keySpec) *Error {
	v := e.Value
	switch ks.Kind {
	case vInt:
		if v.Kind != KindInt {
			return unexpected(v, ", expecting integer")
		}
	case vFloat:
		if v.Kind != KindFloat {
			return unexpected(v, ", expecting floating point")
		}
	case vBool:
		if v.Kind != KindBool {
			return unexpected(v, ", expecting boolean")
		}
	case vString:
		if v.Kind != KindString {
			return unexpected(v, ", expecting constant string")
		}
	case vEnum:
		if v.Kind != KindString {
			return unexpected(v, expecting(ks.Enum))
		}
		for _, a := range ks.Enum {
			if v.Str == a {
				return nil
			}
		}
		return unexpected(v, expecting(ks.Enum))
	case vReplaceName:
		if v.Kind == KindBool {
			return syntaxErr(v.Span, "boolean values for the replace-client-name are no longer supported")
		}
		if v.Kind != KindString {
			return unexpected(v, "")
		}
		for _, a := range ks.Enum {
			if v.Str == a {
				return nil
			}
		}
		return unexpected(v, "")
	case vUserMap:
		if v.Kind != KindMap {
			return unexpected(v, ", expecting {")
		}
	case vAny:
	case vMap:
		if v.Kind != KindMap {
			return unexpected(v, ", expecting {")
		}
		return checkMap(v, ks.Sub, e.KeyPos.Start)
	case vMaps:
		if v.Kind != KindList {
			return unexpected(v, ", expecting [")
		}
		for i, it := range v.Items {
			if it.Kind != KindMap {
				if i == 0 {
					return unexpected(it, ", expecting ]")
				}
				return unexpected(it, ", expecting {")
			}
			if err := checkMap(it, ks.Sub, it.Pos()); err != nil {
				return err
			}
		}
	case vIdentList:
		if v.Kind != KindList {
			return unexpected(v, ", expecting [")
		}
		if ks.ListExpect != "" && len(v.Items) == 0 {
			end := v.Span.End
			return syntaxErr(Span{Start: end, End: end}, "syntax error, unexpected ]%s", ks.ListExpect)
		}
		for i, it := range v.Items {
			ok := it.Kind == KindString
			if ok {
				ok = false
				for _, a := range ks.Enum {
					ok = ok || it.Str == a
				}
			}
			if !ok {
				if i == 0 {
					return unexpected(it, ks.ListExpect)
				}
				return unexpected(it, ", expecting \",\" or ]")
			}
		}
	case vStrings:
		if v.Kind != KindList {
			return unexpected(v, ", expecting [")
		}
		if ks.ListExpect != "" {
			if len(v.Items) == 0 {
				end := v.Span.End
				return syntaxErr(Span{Start: end, End: end}, "syntax error, unexpected ]%s", ks.ListExpect)
			}
			for _, it := range v.Items {
				if it.Kind != KindString {
					return unexpected(it, ks.ListExpect)
				}
			}
			return nil
		}
		for i, it := range v.Items {
			if it.Kind != KindString {
				if i == 0 {
					return unexpected(it, ", expecting ]")
				}
				return unexpected(it, ", expecting constant string")
			}
		}
	}
	return nil
}
