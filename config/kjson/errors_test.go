package kjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// errCase is a configuration Kea 2.2 rejects. want is our Error() text;
// kea is what "kea-dhcp4 -t t.json" printed after "Syntax check failed
// with: " (run in the directory holding the files), when it differs from
// want. TestAgainstKea re-runs Kea on every case to keep the record honest.
//
// Remaining wording differences, all in the word after "unexpected" or the
// "expecting" list, never in the position:
//   - Kea's Dhcp4 grammar lexes the keys it knows as keyword tokens and
//     names them ("unexpected renew-timer"); a generic reader says
//     "unexpected constant string".
//   - Where Kea's grammar expects a specific keyword it says so ("expecting
//     Dhcp4"); we say what generic JSON expects there.
//   - Include loops: Kea has no loop check and fails on nesting depth or
//     on a syntax error; we detect the loop and say "Too many nested
//     include. (include loop: a -> b -> a)".
type errCase struct {
	name  string
	files map[string]string // t.json is the main file
	opts  Options
	want  string
	warns []string // warnings before the error
	kea   string   // Kea's text when different from want; "-" = Kea accepts
}

func one(s string) map[string]string { return map[string]string{"t.json": s} }

var errCases = []errCase{
	// Structure.
	{name: "eof in map", files: one(`{"Dhcp4": {"valid-lifetime": 4000}`),
		want: `t.json:1.35: syntax error, unexpected end of file, expecting "," or }`},
	{name: "missing colon", files: one(`{"Dhcp4": {"valid-lifetime" 4000}}`),
		want: `t.json:1.29-32: syntax error, unexpected integer, expecting :`},
	{name: "missing comma keyword map", files: one(`{"Dhcp4": {"valid-lifetime": 4000 "renew-timer": 10}}`),
		want: `t.json:1.35-47: syntax error, unexpected constant string, expecting "," or }`,
		kea:  `t.json:1.35-47: syntax error, unexpected renew-timer, expecting "," or }`},
	{name: "missing comma free-form map", files: one(`{"Dhcp4": {"user-context": {"a": 1 "b": 2}}}`),
		want: `t.json:1.36-38: syntax error, unexpected constant string, expecting }`},
	{name: "missing comma hook parameters", files: one(`{"Dhcp4": {"hooks-libraries": [{"library": "/x.so", "parameters": {"a": 1 "b": 2}}]}}`),
		want: `t.json:1.75-77: syntax error, unexpected constant string, expecting }`},
	{name: "missing comma subnet map", files: one(`{"Dhcp4": {"subnet4": [{"id":1 "subnet":"203.0.113.0/24"}]}}`),
		want: `t.json:1.32-39: syntax error, unexpected constant string, expecting "," or }`,
		kea:  `t.json:1.32-39: syntax error, unexpected subnet, expecting "," or }`},
	{name: "missing comma list of maps", files: one(`{"Dhcp4": {"subnet4": [{"id":1,"subnet":"203.0.113.0/24"} {"id":2}]}}`),
		want: `t.json:1.59: syntax error, unexpected {, expecting ]`},
	{name: "missing comma list", files: one(`{"Dhcp4": {"user-context": {"a": [1 2]}}}`),
		want: `t.json:1.37: syntax error, unexpected integer, expecting ]`},
	{name: "missing comma nulls", files: one(`{"Dhcp4": {"user-context": {"a":[null null]}}}`),
		want: `t.json:1.39-42: syntax error, unexpected null, expecting ]`},
	{name: "missing comma after bool", files: one(`{"Dhcp4": {"user-context": {"a":true "c":null}}}`),
		want: `t.json:1.38-40: syntax error, unexpected constant string, expecting }`},
	{name: "two reals run together", files: one(`{"Dhcp4": {"user-context": {"a": 1.5.5}}}`),
		want: `t.json:1.37-38: syntax error, unexpected floating point, expecting }`},
	{name: "leading comma map", files: one(`{"Dhcp4": {"user-context": {,"a": 1}}}`),
		want: `t.json:1.29: syntax error, unexpected ",", expecting }`},
	{name: "leading comma list", files: one(`{"Dhcp4": {"user-context": {"a": [,1]}}}`),
		want: `t.json:1.35: syntax error, unexpected ",", expecting ]`},
	{name: "missing value", files: one(`{"Dhcp4": {"user-context": {"a": }}}`),
		want: `t.json:1.34: syntax error, unexpected }`},
	{name: "key without colon", files: one(`{"Dhcp4": {"user-context": {"a" }}}`),
		want: `t.json:1.33: syntax error, unexpected }, expecting :`},
	{name: "integer key", files: one(`{"Dhcp4": {"user-context": {1: 2}}}`),
		want: `t.json:1.29: syntax error, unexpected integer, expecting }`},
	{name: "wrong closer in list", files: one(`{"Dhcp4": {"user-context": {"a":[}]}}}`),
		want: `t.json:1.34: syntax error, unexpected }, expecting ]`},
	{name: "eof in list", files: one(`{"Dhcp4": {"user-context": {"a": [1, 2`),
		want: `t.json:1.39: syntax error, unexpected end of file, expecting ]`},
	{name: "extra closing brace", files: one(`{"Dhcp4": {"user-context": {"a": 1}}}}`),
		want: `t.json:1.38: syntax error, unexpected }, expecting end of file`},
	{name: "empty file", files: one(``),
		want: `t.json:1.1: syntax error, unexpected end of file, expecting {`},
	{name: "only a comment", files: one("# only comment\n"),
		want: `t.json:2.1: syntax error, unexpected end of file, expecting {`},
	{name: "top-level list", files: one(`[]`),
		want: `t.json:1.1: syntax error, unexpected [, expecting {`},
	{name: "leading comma top", files: one(`{,"Dhcp4": {"valid-lifetime": 4000}}`),
		want: `t.json:1.2: syntax error, unexpected ",", expecting }`,
		kea:  `t.json:1.2: syntax error, unexpected ",", expecting Dhcp4`},
	{name: "comma then integer", files: one(`{"Dhcp4": {"user-context": {"a":1, 2}}}`),
		want:  `t.json:1.36: syntax error, unexpected integer, expecting }`,
		warns: []string{"t.json:1.34: " + ExtraneousComma}},
	{name: "comma then closer in list", files: one(`{"Dhcp4": {"user-context": {"a":[1, }]}}}`),
		want:  `t.json:1.37: syntax error, unexpected }, expecting ]`,
		warns: []string{"t.json:1.35: " + ExtraneousComma}},
	{name: "eof after line comment", files: one(`{"Dhcp4": {"valid-lifetime": 1 // c`),
		want: `t.json:1.32-35: syntax error, unexpected end of file, expecting "," or }`},
	{name: "eof after block comment", files: one(`{"Dhcp4": {"valid-lifetime": 1 /* c */`),
		want: `t.json:1.32-38: syntax error, unexpected end of file, expecting "," or }`},

	// Numbers and words.
	{name: "int64 overflow", files: one(`{"Dhcp4": {"user-context": {"a": 9223372036854775808}}}`),
		want: `t.json:1.34-52: Failed to convert 9223372036854775808 to an integer.`},
	{name: "huge integer", files: one(`{"Dhcp4": {"user-context": {"a": 99999999999999999999}}}`),
		want: `t.json:1.34-53: Failed to convert 99999999999999999999 to an integer.`},
	{name: "real overflow", files: one(`{"Dhcp4": {"user-context": {"a": 1e400}}}`),
		want: `t.json:1.34-38: Failed to convert 1e400 to a floating point.`},
	{name: "lone minus", files: one(`{"Dhcp4": {"user-context": {"a": -}}}`),
		want: `t.json:1.34: Failed to convert - to a floating point.`},
	{name: "lone dot", files: one(`{"Dhcp4": {"user-context": {"a": .}}}`),
		want: `t.json:1.34: Failed to convert . to a floating point.`},
	{name: "exponent only", files: one(`{"Dhcp4": {"user-context": {"a": e5}}}`),
		want: `t.json:1.34-35: Failed to convert e5 to a floating point.`},
	{name: "exponent without digits", files: one(`{"Dhcp4": {"user-context": {"a": 5e}}}`),
		want: `t.json:1.35: Invalid character: e`},
	{name: "hex integer", files: one(`{"Dhcp4": {"user-context": {"a": 0x10}}}`),
		want: `t.json:1.35: Invalid character: x`},
	{name: "upper case true", files: one(`{"Dhcp4": {"user-context": {"a": TRUE}}}`),
		want: `t.json:1.34-37: JSON true reserved keyword is lower case only`},
	{name: "mixed case false", files: one(`{"Dhcp4": {"user-context": {"a": FaLsE}}}`),
		want: `t.json:1.34-38: JSON false reserved keyword is lower case only`},
	{name: "capital null", files: one(`{"Dhcp4": {"user-context": {"a": Null}}}`),
		want: `t.json:1.34-37: JSON null reserved keyword is lower case only`},
	{name: "bare word", files: one(`{"Dhcp4": {"user-context": {"a": xyz}}}`),
		want: `t.json:1.34: Invalid character: x`},
	{name: "word after true", files: one(`{"Dhcp4": {"user-context": {"a": truex}}}`),
		want: `t.json:1.38: Invalid character: x`},

	// Strings.
	{name: "unterminated string", files: one(`{"Dhcp4": {"valid-lifetime": "abc}}`),
		want: `t.json:1.30: Invalid character: "`},
	{name: "bad escape", files: one(`{"Dhcp4": {"user-context": {"a": "x\qy"}}}`),
		want: `t.json:1.34-39 (near 3): Bad escape in "x\qy"`},
	{name: "tab in string", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"x\ty\"}}}"),
		want: "t.json:1.34-38 (near 2): Invalid control in \"x\ty\""},
	{name: "newline in string", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"abc\n\"}}}"),
		want: "t.json:1.34-39 (near 4): Invalid control in \"abc\n\""},
	{name: "unicode beyond 00ff", files: one(`{"Dhcp4": {"user-context": {"a": "x\u0141"}}}`),
		want: `t.json:1.34-42 (near 4): Unsupported unicode escape in "x\u0141"`},
	{name: "surrogate pair", files: one(`{"Dhcp4": {"user-context": {"a": "\ud83d\ude00"}}}`),
		want: `t.json:1.34-47 (near 3): Unsupported unicode escape in "\ud83d\ude00"`},
	{name: "escape at end", files: one(`{"Dhcp4": {"user-context": {"a": "x\"}}}`),
		want: `t.json:1.34-37 (near 4): Overflow escape in "x\"`},
	{name: "escaped quotes at end", files: one(`{"Dhcp4": {"user-context": {"a": "a\"b\"}}}`),
		want: `t.json:1.34-40 (near 7): Overflow escape in "a\"b\"`},
	{name: "short unicode at end", files: one(`{"Dhcp4": {"user-context": {"a": "x\u12"}}}`),
		want: `t.json:1.34-40 (near 3): Overflow unicode escape in "x\u12"`},
	{name: "empty unicode", files: one(`{"Dhcp4": {"user-context": {"a": "\u"}, "b": "x"}}`),
		want: `t.json:1.34-37 (near 2): Overflow unicode escape in "\u"`},
	{name: "non-hex unicode", files: one(`{"Dhcp4": {"user-context": {"a": "\u00zz"}}}`),
		want: `t.json:1.34-41 (near 2): Bad escape in "\u00zz"`},
	{name: "control before bad escape", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"a\tb\\q\"}}}"),
		want: `t.json:1.34: Invalid character: "`},
	{name: "bad escape before control", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"a\\qb\tc\"}}}"),
		want: "t.json:1.34-41 (near 3): Bad escape in \"a\\qb\tc\""},
	{name: "escaped quote runs on", files: one(`{"Dhcp4": {"user-context": {"a": "abc\"}}, "b": "x"}`),
		want: `t.json:1.45: Invalid character: b`},

	// Comments and odd characters.
	{name: "unclosed comment", files: one(`{"Dhcp4": {"valid-lifetime": 4000 /* unterminated`),
		want: `Comment not closed. (/* in line 1`},
	{name: "unclosed comment line 2", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000\n/* unterminated\n\n"),
		want: `Comment not closed. (/* in line 2`},
	{name: "lone slash", files: one(`{"Dhcp4": {"valid-lifetime": 4000}} / `),
		want: `t.json:1.37: Invalid character: /`},
	{name: "token glued to comment", files: one(`{"Dhcp4": {"valid-lifetime": 4000 /*x*/"a"}}`),
		want: `t.json:1.35-42: syntax error, unexpected constant string, expecting "," or }`},
	{name: "token glued to multi-line comment", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000 /*x\n\n  yy*/\"a\"}}"),
		want: `t.json:3.3-9: syntax error, unexpected constant string, expecting "," or }`},
	{name: "token after hash comment", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000 #x\n\"a\"}}"),
		want: `t.json:2.1-3: syntax error, unexpected constant string, expecting "," or }`},
	{name: "NUL byte", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000}} \x00"),
		want: "t.json:1.37: Invalid character: "}, // Kea prints the byte as a C string
	{name: "NUL in string", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"a\x00b\"}}}"),
		want: "t.json:1.34-38 (near 1): Invalid control in \"a"},
	{name: "NUL after bad escape", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": \"a\\qb\x00c\"}}}"),
		want: "t.json:1.34-41 (near 3): Bad escape in \"a\\qb"},
	{name: "form feed", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000\f}}"),
		want: "t.json:1.34: Invalid character: \f"},
	{name: "non-UTF-8 outside string", files: one("{\"Dhcp4\": {\"valid-lifetime\": 4000}} \xc3\xa9"),
		want: "t.json:1.37: Invalid character: \xc3"},

	// Duplicates.
	{name: "duplicate free-form key", files: one(`{"Dhcp4": {"user-context": {"a": 1, "a": 2}}}`),
		want: `t.json:1:37: duplicate a entries in JSON map (previous at t.json:1:34)`},
	{name: "duplicate free-form key over lines", files: one("{\"Dhcp4\": {\"user-context\": {\"a\": 1,\n \"a\": 2}}}"),
		want: `t.json:2:2: duplicate a entries in JSON map (previous at t.json:1:34)`},
	{name: "duplicate free-form map value", files: one(`{"Dhcp4": {"user-context": {"a": {"x":1}, "a": 2}}}`),
		want: `t.json:1:43: duplicate a entries in JSON map (previous at t.json:1:34)`},
	{name: "duplicate keyword", files: one(`{"Dhcp4": {"valid-lifetime": 1, "valid-lifetime": 2}}`),
		want: `t.json:1:33: duplicate valid-lifetime entries in Dhcp4 map (previous at t.json:1:30)`},
	{name: "duplicate in subnet", files: one(`{"Dhcp4": {"subnet4": [{"id": 1, "id": 2, "subnet": "203.0.113.0/24"}]}}`),
		want: `t.json:1:34: duplicate id entries in subnet4 map (previous at t.json:1:31)`},
	{name: "duplicate list keyword", files: one(`{"Dhcp4": {"interfaces-config": {"interfaces": [], "interfaces": []}}}`),
		want: `t.json:1:52: duplicate interfaces entries in interfaces-config map (previous at t.json:1:34)`},
	{name: "duplicate user-context", files: one(`{"Dhcp4": {"user-context": {}, "user-context": {}}}`),
		want: `t.json:1:32: duplicate user-context entries in Dhcp4 map (previous at t.json:1:12)`,
		kea:  `t.json:1.32-45: duplicate user-context entries (previous at t.json:1:28)`},

	// Includes.
	{name: "missing include", files: one("{\"Dhcp4\": {\n  <?include \"missing.json\"?>\n\"renew-timer\": 100}}\n"),
		want: `Can't open include file missing.json`},
	{name: "include is relative to cwd", files: map[string]string{
		"t.json":        `{"Dhcp4": {<?include "sub/main.json"?>}}`,
		"sub/main.json": `<?include "part.json"?>`,
		"sub/part.json": `"valid-lifetime": 4000`},
		want: `Can't open include file part.json`},
	{name: "error inside include", files: map[string]string{
		"t.json":   "{\"Dhcp4\": {\n  <?include \"bad.json\"?>\n\"renew-timer\": 100}}\n",
		"bad.json": "\"valid-lifetime\": 4000 \"x\"\n"},
		want: `bad.json:1.24-26: syntax error, unexpected constant string, expecting "," or }`},
	{name: "error after include", files: map[string]string{
		"t.json":       "{\"Dhcp4\": {\n  <?include \"nocomma.json\"?>   \"renew-timer\": 100}}\n",
		"nocomma.json": "\"valid-lifetime\": 4000\n"},
		want: `t.json:2.32-44: syntax error, unexpected constant string, expecting "," or }`,
		kea:  `t.json:2.32-44: syntax error, unexpected renew-timer, expecting "," or }`},
	{name: "too many nested includes", files: nested(12),
		want: `Too many nested include.`},
	{name: "include loop", files: map[string]string{
		"t.json":    `{"Dhcp4": {"renew-timer": 100, <?include "self.json"?> "rebind-timer": 200}}`,
		"self.json": "<?include \"self.json\"?>\n"},
		want: `Too many nested include. (include loop: self.json -> self.json)`,
		kea:  `Too many nested include.`},
	{name: "main file includes itself", files: one("{\"Dhcp4\": {\n  <?include \"t.json\"?>\n}}\n"),
		want: `Too many nested include. (include loop: t.json -> t.json)`,
		kea:  `t.json:1.1: syntax error, unexpected {`},
	{name: "directive not closed", files: map[string]string{
		"t.json":    `{"Dhcp4": {"renew-timer": 100, <?include "part.json" `,
		"part.json": `"valid-lifetime": 4000,`},
		want: `Directive not closed.`},
	{name: "junk before directive end", files: map[string]string{
		"t.json":    `{"Dhcp4": {"renew-timer": 100, <?include "part.json" x ?> "rebind-timer": 200}}`,
		"part.json": `"valid-lifetime": 4000,`},
		want: `t.json:1.54: Invalid character: x`},
	{name: "misspelt directive", files: one(`{"Dhcp4": {"renew-timer": 100, <?inclde "part.json"?> "rebind-timer": 200}}`),
		want: `t.json:1.32-34: Invalid character: i`},
	{name: "spaced directive opener", files: one(`{"Dhcp4": {"renew-timer": 100, < ?include "part.json"?> "rebind-timer": 200}}`),
		want: `t.json:1.32: Invalid character: <`},
	{name: "empty include name", files: one(`{"Dhcp4": {"renew-timer": 100, <?include ""?> "rebind-timer": 200}}`),
		want: `t.json:1.42: Invalid character: "`},
	{name: "include a directory", files: map[string]string{
		"t.json":     `{"Dhcp4": {"renew-timer": 100, <?include "sub"?> "rebind-timer": 200}}`,
		"sub/x.json": `{}`},
		want: `input in flex scanner failed`},
	{name: "comment inside directive", files: map[string]string{
		"t.json":    `{"Dhcp4": {"renew-timer": 100, <?include # c` + "\n" + `"part.json"?> "rebind-timer": 200}}`,
		"part.json": `"valid-lifetime": 4000,`},
		want: `t.json:1.42: Invalid character: #`},

	// Our own limits (Kea has none).
	{name: "nesting limit", files: one(`{"Dhcp4": {"user-context": {"a": [[[[1]]]]}}}`),
		opts: Options{MaxDepth: 5},
		want: `t.json:1.36: maps and lists nested more than 5 levels deep`, kea: "-"},
	{name: "size limit", files: one(`{"Dhcp4": {"valid-lifetime": 4000}}`),
		opts: Options{MaxBytes: 10},
		want: `t.json: configuration is larger than the limit of 10 bytes`, kea: "-"},
	{name: "size limit with includes", files: map[string]string{
		"t.json":    `{"Dhcp4": {"renew-timer": 100, <?include "part.json"?>}}`,
		"part.json": `"valid-lifetime": 4000,`},
		opts: Options{MaxBytes: 60},
		want: `part.json: configuration is larger than the limit of 60 bytes`, kea: "-"},
	{name: "element limit", files: one(`{"Dhcp4": {"user-context": {"a": [1, 2, 3]}}}`),
		opts: Options{MaxElements: 5},
		want: `t.json:1.38: too many elements (limit 5)`, kea: "-"},
}

func TestParseErrors(t *testing.T) {
	if len(errCases) < 30 {
		t.Fatalf("only %d error cases", len(errCases))
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			opts := tc.opts
			opts.BaseDir = dir
			e, warns, err := ParseFile("t.json", opts)
			if err == nil {
				t.Fatalf("accepted, got %s", e)
			}
			if e != nil {
				t.Errorf("got a tree with the error")
			}
			var ke *Error
			if !errors.As(err, &ke) {
				t.Fatalf("error %T is not *Error", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error\n got: %q\nwant: %q", got, tc.want)
			}
			if diff := cmp.Diff(tc.warns, warningStrings(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissingMainFile(t *testing.T) {
	_, _, err := ParseFile("nonexist.json", Options{BaseDir: t.TempDir()})
	if err == nil || err.Error() != "Unable to open file nonexist.json" {
		t.Fatalf("got %v", err)
	}
}

func TestErrorSentinels(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
	}{
		{"nesting limit", ErrTooDeep},
		{"size limit", ErrTooLarge},
		{"size limit with includes", ErrTooLarge},
		{"element limit", ErrTooLarge},
		{"include loop", ErrIncludeLoop},
	} {
		for _, c := range errCases {
			if c.name != tc.name {
				continue
			}
			opts := c.opts
			opts.BaseDir = writeFiles(t, c.files)
			_, _, err := ParseFile("t.json", opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v is not %v", tc.name, err, tc.want)
			}
		}
	}
}

// The position of an error is also available as fields.
func TestErrorFields(t *testing.T) {
	_, _, err := ParseBytes("<string>", []byte("{\n  \"a\": 1 \"b\"}"), Options{})
	var ke *Error
	if !errors.As(err, &ke) {
		t.Fatalf("got %v", err)
	}
	want := Pos{File: "<string>", Line: 2, Col: 10, EndLine: 2, EndCol: 13}
	if diff := cmp.Diff(want, ke.Pos); diff != "" {
		t.Errorf("pos (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(ke.Msg, "syntax error, unexpected constant string") {
		t.Errorf("msg %q", ke.Msg)
	}
}

func TestDisableIncludes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.json": `"a": 1`})
	_, _, err := ParseBytes("<string>", []byte(`{<?include "p.json"?>}`), Options{BaseDir: dir, DisableIncludes: true})
	if !errors.Is(err, ErrIncludesDisabled) || err.Error() != "Can't open include file p.json" {
		t.Fatalf("got %v", err)
	}
	e, _, err := ParseBytes("<string>", []byte(`{<?include "p.json"?>}`), Options{BaseDir: dir})
	if err != nil || e.String() != `{ "a": 1 }` {
		t.Fatalf("with includes: %v %v", e, err)
	}
}
