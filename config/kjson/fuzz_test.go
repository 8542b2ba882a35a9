package kjson

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary text to the reader: it must not panic or hang,
// must stay within its limits, must fail with an *Error, and whatever it
// accepts must print and read back to an Equal tree.
func FuzzParse(f *testing.F) {
	for _, tc := range errCases {
		f.Add([]byte(tc.files["t.json"]))
	}
	for _, tc := range goodCases {
		f.Add([]byte(tc.files["t.json"]))
	}
	for _, s := range []string{
		`{"a": [1, 2.5, -3e-2, "x\u00e9\n", true, false, null, {}, []]}`,
		`{"a": {"b": {"c": [[[[]]]]}}, "a": 1}`,
		"{\"x\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"} /* c */ # d\n// e",
		`{"r": [1e308, 4.9e-324, 0.1, 123456789.125, -0.0]}`,
	} {
		f.Add([]byte(s))
	}
	opts := Options{AnyTopLevel: true, DisableIncludes: true, MaxBytes: 1 << 20, MaxDepth: 100, MaxElements: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, _, err := ParseBytes("fuzz", data, opts)
		if err != nil {
			var ke *Error
			if !errors.As(err, &ke) {
				t.Fatalf("error %T: %v", err, err)
			}
			if ke.Style != NoPos && ke.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			if ke.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if e == nil {
			t.Fatal("nil tree without error")
		}
		checkRoundTrip(t, e)
	})
}
