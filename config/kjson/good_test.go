package kjson

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goodCase is a configuration Kea 2.2 accepts; want is the tree in our
// compact form and warns the warnings Kea also prints.
type goodCase struct {
	name  string
	files map[string]string
	want  string
	warns []string
}

const vl = `{ "Dhcp4": { "valid-lifetime": 4000 } }`

var goodCases = []goodCase{
	{name: "comments everywhere", files: one("# head\n{ // c\n  \"Dhcp4\" /* k */ : /* v */ {\n" +
		"\"valid-lifetime\":/*a\nb*/4000//x\n,\"renew-timer\":#\n10 # t\n}/**/}// end"),
		want: `{ "Dhcp4": { "valid-lifetime": 4000, "renew-timer": 10 } }`},
	{name: "comments in lists", files: one(`{"Dhcp4": {"valid-lifetime": 4000, "user-context": {"l": [/*a*/1/*b*/,/*c*/2/*d*/]}}}`),
		want: `{ "Dhcp4": { "valid-lifetime": 4000, "user-context": { "l": [ 1, 2 ] } } }`},
	{name: "hash glued to value", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000#c\n}}"), want: vl},
	{name: "comment with quotes and braces", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000 /* \"}{ */ // \"[\n}}"), want: vl},
	{name: "nested comment opener", files: one(`{"Dhcp4": {"valid-lifetime": 4000 /* a /* b */}}`), want: vl},
	{name: "CRLF and tabs", files: one("{\r\n\t\"Dhcp4\": {\r\n\t\t\"valid-lifetime\": 4000\r\n\t}\r\n}\r\n\t "), want: vl},
	{name: "empty containers", files: one(`{"Dhcp4": {"valid-lifetime": 4000, "user-context": {"m": {}, "l": [], "n": null}}}`),
		want: `{ "Dhcp4": { "valid-lifetime": 4000, "user-context": { "m": {  }, "l": [  ], "n": null } } }`},
	{name: "numbers", files: one(`{"Dhcp4": {"user-context": {"a": [1., .5, +5, -.5e1, 1E2, 0001, -0, 5e0, -9223372036854775808, 9223372036854775807, 1.5e-400]}}}`),
		want: `{ "Dhcp4": { "user-context": { "a": [ 1.0, 0.5, 5.0, -5.0, 100.0, 1, 0, 5.0, -9223372036854775808, 9223372036854775807, 0.0 ] } } }`},
	{name: "escapes", files: one(`{"Dhcp4": {"user-context": {"a": "x\/y\b\f\n\r\t\\\"", "u": "\u0041\u00e9\u0000"}}}`),
		want: `{ "Dhcp4": { "user-context": { "a": "x/y\b\f\n\r\t\\\"", "u": "A\u00e9\u0000" } } }`},
	{name: "raw UTF-8 and non-UTF-8 bytes", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"é\xff\xfe\"}}}"),
		want: `{ "Dhcp4": { "user-context": { "a": "\u00c3\u00a9\u00ff\u00fe" } } }`},
	{name: "booleans", files: one(`{"Dhcp4": {"user-context": {"t": true, "f": false}}}`),
		want: `{ "Dhcp4": { "user-context": { "t": true, "f": false } } }`},

	// Extraneous commas: where Kea 2.2 accepts them, with the warning.
	{name: "comma ending keyword map", files: one(`{"Dhcp4": {"valid-lifetime": 4000,}}`), want: vl,
		warns: []string{"t.json:1.34: " + ExtraneousComma}},
	{name: "comma and blank ending keyword map", files: one(`{"Dhcp4": {"valid-lifetime": 4000, }}`), want: vl,
		warns: []string{"t.json:1.34: " + ExtraneousComma}},
	{name: "double comma in keyword map", files: one(`{"Dhcp4": {"valid-lifetime": 4000, , "renew-timer": 100}}`),
		want:  `{ "Dhcp4": { "valid-lifetime": 4000, "renew-timer": 100 } }`,
		warns: []string{"t.json:1.34: " + ExtraneousComma}},
	{name: "comma ending free-form map", files: one(`{"Dhcp4": {"user-context": {"a": 1,}}}`),
		want:  `{ "Dhcp4": { "user-context": { "a": 1 } } }`,
		warns: []string{"t.json:1.35: " + ExtraneousComma}},
	{name: "two commas ending map", files: one(`{"Dhcp4": {"user-context": {"a": 1,,}}}`),
		want:  `{ "Dhcp4": { "user-context": { "a": 1 } } }`,
		warns: []string{"t.json:1.35: " + ExtraneousComma, "t.json:1.36: " + ExtraneousComma}},
	{name: "comma ending list", files: one(`{"Dhcp4": {"user-context": {"a": [1,2,]}}}`),
		want:  `{ "Dhcp4": { "user-context": { "a": [ 1, 2 ] } } }`,
		warns: []string{"t.json:1.38: " + ExtraneousComma}},
	{name: "double comma in list", files: one(`{"Dhcp4": {"user-context": {"a": [1,,2]}}}`),
		want:  `{ "Dhcp4": { "user-context": { "a": [ 1, 2 ] } } }`,
		warns: []string{"t.json:1.36: " + ExtraneousComma}},
	{name: "comma ending subnet list", files: one(`{"Dhcp4": {"subnet4": [{"id":1,"subnet":"203.0.113.0/24"},]}}`),
		want:  `{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "203.0.113.0/24" } ] } }`,
		warns: []string{"t.json:1.58: " + ExtraneousComma}},
	{name: "double comma in subnet", files: one(`{"Dhcp4": {"subnet4": [{"id":1,,"subnet":"203.0.113.0/24"}]}}`),
		want:  `{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "203.0.113.0/24" } ] } }`,
		warns: []string{"t.json:1.31: " + ExtraneousComma}},
	{name: "comma ending top map", files: one(`{"Dhcp4": {"valid-lifetime": 4000},}`), want: vl,
		warns: []string{"t.json:1.35: " + ExtraneousComma}},

	// Includes.
	{name: "include map entries", files: map[string]string{
		"t.json":        "{\"Dhcp4\": {\n<?include \"sub/part.json\"?>\n\"renew-timer\": 100}}\n",
		"sub/part.json": "\"valid-lifetime\": 4000,\n"},
		want: `{ "Dhcp4": { "valid-lifetime": 4000, "renew-timer": 100 } }`},
	{name: "include list items", files: map[string]string{
		"t.json":     `{"Dhcp4": {"user-context": {"l": [ 0, <?include "items.json"?> ]}}}`,
		"items.json": "1, /* c */ 2 # three\n"},
		want: `{ "Dhcp4": { "user-context": { "l": [ 0, 1, 2 ] } } }`},
	{name: "include a whole value", files: map[string]string{
		"t.json":  `{"Dhcp4": <?include "d4.json"?>}`,
		"d4.json": `{"valid-lifetime": 4000}`},
		want: vl},
	{name: "include with blanks and newlines", files: map[string]string{
		"t.json":    "{\"Dhcp4\": {\"renew-timer\": 100, <?  include\n   \"part.json\"  \n ?> \"rebind-timer\": 200}}",
		"part.json": `"valid-lifetime": 4000,`},
		want: `{ "Dhcp4": { "renew-timer": 100, "valid-lifetime": 4000, "rebind-timer": 200 } }`},
	{name: "include twice", files: map[string]string{
		"t.json": `{"Dhcp4": {"user-context": {"a": <?include "v.json"?>, "b": <?include "v.json"?>}}}`,
		"v.json": `[1]`},
		want: `{ "Dhcp4": { "user-context": { "a": [ 1 ], "b": [ 1 ] } } }`},
	{name: "eleven nested includes", files: nested(11),
		want: `{ "Dhcp4": { "renew-timer": 100, "valid-lifetime": 4000, "rebind-timer": 200 } }`},
}

func TestParseGood(t *testing.T) {
	for _, tc := range goodCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			e, warns, err := ParseFile("t.json", Options{BaseDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tc.want {
				t.Errorf("tree\n got: %s\nwant: %s", got, tc.want)
			}
			if diff := cmp.Diff(tc.warns, warningStrings(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			checkRoundTrip(t, e)
		})
	}
}
