package kjson

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testdata/kea22-config-write.json is what Kea 2.2's config-write wrote
// for testdata/kea22-config-source.json, and kea22-config-get.json its
// config-get answer (both with keys sorted, as Kea's maps are). Reading
// them and printing again must give the same bytes.
func TestPrettyPrintMatchesKeaConfigWrite(t *testing.T) {
	want, err := os.ReadFile("testdata/kea22-config-write.json")
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := ParseFile("testdata/kea22-config-write.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := e.PrettyPrint(&b, 2); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("PrettyPrint differs from Kea's config-write (-kea +ours):\n%s", diff)
	}
}

func TestMarshalMatchesKeaConfigGet(t *testing.T) {
	want, err := os.ReadFile("testdata/kea22-config-get.json")
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := ParseFile("testdata/kea22-config-get.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("MarshalJSON differs from Kea's config-get (-kea +ours):\n%s", diff)
	}
}

// Sorting the source's keys and printing gives Kea's order.
func TestSortKeys(t *testing.T) {
	e, _, err := ParseBytes("x", []byte(`{"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": 0}, "B": 2}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.SortKeys()
	want := `{ "B": 2, "a": { "c": 0, "z": [ { "x": 2, "y": 1 } ] }, "b": 1 }`
	if got := e.String(); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if e.Get("a").Get("c") == nil || e.Get("B") == nil {
		t.Error("lookup broken after sort")
	}
}

func TestFormatReal(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		// Same as Kea 2.2 (checked with config-get).
		{0.5, "0.5"},
		{3, "3.0"},
		{-2.5, "-2.5"},
		{0.875, "0.875"},
		{0.123457, "0.123457"},
		{100000, "100000.0"},
		{0, "0.0"},
		// Kea prints 0.123457, 1e+20.0 and 1e-05.0 here: the first loses
		// digits, the others are not JSON. We keep the value.
		{0.1234567, "0.1234567"},
		{1e20, "1e+20"},
		{1e-5, "1e-05"},
		{123456789, "1.23456789e+08"},
		{1234567, "1.234567e+06"},
		{math.Inf(1), "inf"},
		{math.NaN(), "nan"},
	} {
		if got := FormatReal(tc.f); got != tc.want {
			t.Errorf("FormatReal(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestPrettyPrintShapes(t *testing.T) {
	e := NewMap()
	e.Set("scalars", NewList(NewInt(1), NewString("a"), NewBool(true), NewNull()))
	e.Set("maps", NewList(NewMap(), NewList()))
	e.Set("mixed", NewList(NewInt(1), func() *Element { m := NewMap(); m.Set("k", NewReal(1.5)); return m }()))
	e.Set("empty", NewMap())
	var b strings.Builder
	if err := e.PrettyPrint(&b, 4); err != nil {
		t.Fatal(err)
	}
	want := `{
    "scalars": [ 1, "a", true, null ],
    "maps": [
        { },
        [ ]
    ],
    "mixed": [ 1, {
            "k": 1.5
        } ],
    "empty": { }
}`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got, want := e.String(), `{ "scalars": [ 1, "a", true, null ], "maps": [ {  }, [  ] ], "mixed": [ 1, { "k": 1.5 } ], "empty": {  } }`; got != want {
		t.Errorf("compact\n got %s\nwant %s", got, want)
	}
}

func TestNonFiniteRealIsAnError(t *testing.T) {
	e := NewList(NewReal(math.Inf(-1)))
	if _, err := e.MarshalJSON(); err == nil {
		t.Error("MarshalJSON accepted -inf")
	}
	if err := e.PrettyPrint(&strings.Builder{}, 2); err == nil {
		t.Error("PrettyPrint accepted -inf")
	}
	if got := e.String(); got != "[ -inf ]" {
		t.Errorf("String() = %q", got)
	}
}

// Keys are escaped like strings (Kea writes them raw), so odd keys survive.
func TestOddKeysRoundTrip(t *testing.T) {
	e := NewMap()
	e.Set("a\"b\\c\n\xff", NewInt(1))
	checkRoundTrip(t, e)
}
