package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// LibraryConfig is one entry of "hooks-libraries". Parameters is nil when the
// entry has no "parameters" key and "{}" when it is an empty map (Kea writes
// back an empty map as set).
type LibraryConfig struct {
	Library    string          `json:"library"`
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

// ParseLibrariesConfig parses the value of "hooks-libraries" with Kea's
// checks and messages: a list of maps, each with a mandatory string
// "library" (quotes and surrounding blanks removed, not blank) and an
// optional map "parameters"; any other key is "unknown hooks library
// parameter: <key>". A null or empty list yields no libraries.
func ParseLibrariesConfig(raw json.RawMessage) ([]LibraryConfig, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, errors.New("hooks library configuration error: hooks-libraries is not a list")
	}
	out := make([]LibraryConfig, 0, len(entries))
	for _, e := range entries {
		e = bytes.TrimSpace(e)
		var m map[string]json.RawMessage
		if len(e) == 0 || e[0] != '{' || json.Unmarshal(e, &m) != nil {
			return nil, errors.New("hooks library configuration error: one or more entries in the hooks-libraries list is not a map")
		}
		var lc LibraryConfig
		found := false
		// Kea walks the map in key order; so do we, for the same first error.
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v := bytes.TrimSpace(m[k])
			switch k {
			case "library":
				var s string
				if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
					return nil, errors.New("hooks library configuration error: value of 'library' element is not a string giving the path to a hooks library")
				}
				s = strings.TrimSpace(strings.ReplaceAll(s, `"`, ""))
				if s == "" {
					return nil, errors.New("hooks library configuration error: value of 'library' element must not be blank")
				}
				lc.Library, found = s, true
			case "parameters":
				if len(v) == 0 || v[0] != '{' {
					return nil, errors.New("hooks library configuration error: value of 'parameters' element is not a map")
				}
				lc.Parameters = append(json.RawMessage(nil), v...)
			default:
				return nil, fmt.Errorf("unknown hooks library parameter: %s", k)
			}
		}
		if !found {
			return nil, errors.New("hooks library configuration error: one or more hooks-libraries elements are missing the name of the library")
		}
		out = append(out, lc)
	}
	return out, nil
}

// Parameters is a library's "parameters" map as configured. The library
// type-checks the values itself, usually with Decode.
type Parameters struct {
	raw json.RawMessage
	m   map[string]json.RawMessage
}

// ParseParameters checks that raw is a JSON map (or absent) and indexes it.
func ParseParameters(raw json.RawMessage) (Parameters, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return Parameters{}, nil
	}
	var m map[string]json.RawMessage
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return Parameters{}, errors.New("parameters must be a map")
	}
	return Parameters{raw: raw, m: m}, nil
}

// IsSet reports whether the configuration had a "parameters" key.
func (p Parameters) IsSet() bool { return p.raw != nil }

// Raw returns the whole map as configured (Kea's getParameters), nil when
// not set.
func (p Parameters) Raw() json.RawMessage { return p.raw }

// Get returns one parameter (Kea's getParameter); ok is false when absent.
func (p Parameters) Get(name string) (json.RawMessage, bool) {
	v, ok := p.m[name]
	return v, ok
}

// Names returns the parameter names in Kea's (sorted) order.
func (p Parameters) Names() []string {
	names := make([]string, 0, len(p.m))
	for k := range p.m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Decode decodes the parameters strictly into v, a pointer to a struct whose
// json tags name the parameters: a key with no matching field (matched
// exactly, not case-insensitively), a value of the wrong JSON type or
// malformed JSON is an error naming the parameter, e.g. "unknown parameter
// 'nmae'" or "parameter 'sync' must be a boolean, not a string". Nested
// objects are checked the same way, except for the exact-case match. When
// the parameters are not set, v is left as it is. Mandatory parameters are
// the library's to check after Decode.
func (p Parameters) Decode(v any) error {
	if p.raw == nil {
		return nil
	}
	if err := exactTopLevelKeys(p.m, v); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(p.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

// exactTopLevelKeys rejects keys that encoding/json would match
// case-insensitively but Kea would not know.
func exactTopLevelKeys(m map[string]json.RawMessage, v any) error {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	known := map[string]bool{}
	collectJSONNames(t.Elem(), known)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !known[k] {
			return fmt.Errorf("unknown parameter '%s'", k)
		}
	}
	return nil
}

func collectJSONNames(t reflect.Type, known map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectJSONNames(ft, known)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		known[name] = true
	}
}

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return fmt.Errorf("parameters must be a map, not %s", jsonKind(te.Value))
		}
		return fmt.Errorf("parameter '%s' must be %s, not %s", field, goKindName(te.Type), jsonKind(te.Value))
	case errors.As(err, &se):
		return fmt.Errorf("parameters are not valid JSON: %v", err)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, `json: unknown field "`); ok {
		return fmt.Errorf("unknown parameter '%s'", strings.TrimSuffix(rest, `"`))
	}
	return fmt.Errorf("invalid parameters: %s", strings.TrimPrefix(msg, "json: "))
}

func jsonKind(v string) string {
	switch v {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "array":
		return "a list"
	case "object":
		return "a map"
	case "null":
		return "null"
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return "the number " + n
	}
	return "a " + v
}

func goKindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a map"
	}
	return "a " + t.String()
}
