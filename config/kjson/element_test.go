package kjson

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPositions(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"t.json": "{\n  \"Dhcp4\": {\n    \"valid-lifetime\": 4000,\n    <?include \"p.json\"?>\n    \"l\": [ true, null ]\n  }\n}\n",
		"p.json": "\"s\": \"x\",\n  \"r\": 1.5,\n",
	})
	e, _, err := ParseFile("t.json", Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d := e.Get("Dhcp4")
	vlEntry, _ := d.Lookup("valid-lifetime")
	sEntry, _ := d.Lookup("s")
	for _, tc := range []struct {
		name string
		got  Pos
		want Pos
	}{
		{"root map", e.Pos, Pos{"t.json", 1, 1, 7, 2}},
		{"Dhcp4 map", d.Pos, Pos{"t.json", 2, 12, 6, 4}},
		{"valid-lifetime key", vlEntry.KeyPos, Pos{"t.json", 3, 5, 3, 21}},
		{"valid-lifetime value", vlEntry.Value.Pos, Pos{"t.json", 3, 23, 3, 27}},
		{"included key", sEntry.KeyPos, Pos{"p.json", 1, 1, 1, 4}},
		{"included value", sEntry.Value.Pos, Pos{"p.json", 1, 6, 1, 9}},
		{"included real", d.Get("r").Pos, Pos{"p.json", 2, 8, 2, 11}},
		{"list", d.Get("l").Pos, Pos{"t.json", 5, 10, 5, 24}},
		{"list item", d.Get("l").Index(1).Pos, Pos{"t.json", 5, 18, 5, 22}},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if got, want := vlEntry.Value.Pos.String(), "t.json:3.23-26"; got != want {
		t.Errorf("bison form %q, want %q", got, want)
	}
	if got, want := vlEntry.Value.Pos.ElementString(), "t.json:3:23"; got != want {
		t.Errorf("element form %q, want %q", got, want)
	}
	if got, want := d.Pos.String(), "t.json:2.12-6.3"; got != want {
		t.Errorf("multi-line form %q, want %q", got, want)
	}
}

func TestAccessors(t *testing.T) {
	e, _, err := ParseBytes("x", []byte(`{"b": true, "i": -7, "r": 2.5, "s": "str", "n": null, "l": [1, "two"], "m": {"k": 1}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Get("b").Bool(); !ok || !v {
		t.Error("Bool")
	}
	if v, ok := e.Get("i").Int(); !ok || v != -7 {
		t.Error("Int")
	}
	if v, ok := e.Get("r").Real(); !ok || v != 2.5 {
		t.Error("Real")
	}
	if v, ok := e.Get("s").Str(); !ok || v != "str" {
		t.Error("Str")
	}
	if e.Get("n").Kind() != Null || e.Get("missing") != nil || e.Get("missing").Kind() != Null {
		t.Error("Null / missing")
	}
	if _, ok := e.Get("s").Int(); ok {
		t.Error("Int on a string")
	}
	if _, ok := e.Get("i").Real(); ok {
		t.Error("Real on an integer")
	}
	if l := e.Get("l"); l.Len() != 2 || l.Index(1).Kind() != String || l.Index(2) != nil || len(l.Items()) != 2 {
		t.Error("list access")
	}
	if diff := cmp.Diff([]string{"b", "i", "r", "s", "n", "l", "m"}, e.Keys()); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	var seen []string
	for k, v := range e.All() {
		seen = append(seen, k+"="+v.Kind().String())
		if k == "r" {
			break
		}
	}
	if diff := cmp.Diff([]string{"b=boolean", "i=integer", "r=real"}, seen); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if e.Entry(6).Key != "m" || e.Entry(7).Value != nil || !e.Has("m") || e.Get("m").Has("x") {
		t.Error("Entry / Has")
	}
	// Accessors of the wrong kind return zero values without panicking.
	s := e.Get("s")
	if s.Len() != 0 || s.Get("x") != nil || s.Index(0) != nil || s.Keys() != nil {
		t.Error("map/list accessors on a string")
	}
	s.Set("x", NewNull())
	s.Append(NewNull())
	s.Remove("x")
}

func TestMapEditing(t *testing.T) {
	for _, n := range []int{3, smallMap, smallMap + 1, 40} {
		m := NewMap()
		for i := 0; i < n; i++ {
			m.Set("k"+strconv.Itoa(i), NewInt(int64(i)))
		}
		m.Set("k1", NewString("replaced"))
		if v, _ := m.Get("k1").Str(); v != "replaced" || m.Entry(1).Key != "k1" || m.Len() != n {
			t.Fatalf("n=%d: Set on an existing key moved or lost it", n)
		}
		m.Remove("k0")
		m.Remove("absent")
		if m.Len() != n-1 || m.Has("k0") || m.Entry(0).Key != "k1" {
			t.Fatalf("n=%d: Remove", n)
		}
		for i := 1; i < n; i++ {
			if !m.Has("k" + strconv.Itoa(i)) {
				t.Fatalf("n=%d: lost k%d after Remove", n, i)
			}
		}
		if v, _ := m.Get("k" + strconv.Itoa(n-1)).Int(); v != int64(n-1) {
			t.Fatalf("n=%d: wrong value after Remove", n)
		}
	}
}

func TestEqual(t *testing.T) {
	parse := func(s string) *Element {
		t.Helper()
		e, _, err := ParseBytes("x", []byte(s), Options{AnyTopLevel: true})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a": 1, "b": [1, 2]}`, `{"b": [1, 2], "a": 1}`, true}, // key order ignored
		{`[1, 2]`, `[2, 1]`, false},                              // list order kept
		{`1`, `1.0`, false},                                      // int is not real
		{`1.0`, `1.`, true},
		{`{"a": null}`, `{"a": null}`, true},
		{`{"a": null}`, `{"b": null}`, false},
		{`{"a": 1}`, `{"a": 1, "b": 2}`, false},
		{`"x"`, `"x"`, true},
		{`true`, `false`, false},
		{`{}`, `[]`, false},
	} {
		if got := Equal(parse(tc.a), parse(tc.b)); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
	built := NewMap()
	built.Set("l", NewList(NewInt(1), NewReal(2.5), NewString("s"), NewBool(false), NewNull()))
	if !built.Equal(parse(`{"l": [1, 2.5, "s", false, null]}`)) {
		t.Error("constructed tree differs from parsed one")
	}
}

func TestDuplicatePolicy(t *testing.T) {
	src := []byte(`{"Dhcp4": {"user-context": {"a": 1, "a": 2}, "x": {"k": [1], "k": {}}}}`)
	var seen []string
	e, _, err := ParseBytes("t.json", src, Options{Duplicate: func(d *Duplicate) error {
		seen = append(seen, d.Path+" "+d.Key+" "+d.KeyPos.ElementString()+" prev "+
			d.Prev.KeyPos.ElementString()+" "+d.Prev.Value.Pos.ElementString()+" "+strconv.FormatBool(d.FreeForm))
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Dhcp4/user-context a t.json:1:37 prev t.json:1:29 t.json:1:34 true",
		"Dhcp4/x k t.json:1:62 prev t.json:1:52 t.json:1:57 false",
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := e.String(); got != `{ "Dhcp4": { "user-context": { "a": 2 }, "x": { "k": {  } } } }` {
		t.Errorf("later value should win: %s", got)
	}
	// A custom FreeForm changes the wording.
	_, _, err = ParseBytes("t.json", []byte(`{"a": {"b": 1 "c": 2}}`), Options{FreeForm: func(p string) bool { return p == "a" }})
	if err == nil || err.Error() != `t.json:1.15-17: syntax error, unexpected constant string, expecting }` {
		t.Errorf("FreeForm: %v", err)
	}
}
