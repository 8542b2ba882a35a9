package eval

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/option"
)

// kea22Defined is what Kea 2.2's configuration check accepted in member()
// when the recordings were made: the class "foo" defined before, and Kea
// 2.2's built-in names.
func kea22Defined(n string) bool {
	switch n {
	case "foo", "ALL", "KNOWN", "UNKNOWN", "BOOTP":
		return true
	}
	for _, p := range []string{"VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

func compileResult(u option.Universe, src string) string {
	_, err := Compile(u, Bool, src, &Options{ClassDefined: kea22Defined})
	if err != nil {
		return err.Error()
	}
	return "OK"
}

// Recorded from kea-dhcp4 -t / kea-dhcp6 -t (Kea 2.2) on a class with the
// expression as its test.
var parseCases = []struct {
	u          option.Universe
	expr, want string
}{
	{option.V4, "'a' == ", "<string>:1.8: syntax error, unexpected end of file"},
	{option.V4, "'a'", "<string>:1.4: syntax error, unexpected end of file, expecting == or +"},
	{option.V4, "'a' == 'b' and", "<string>:1.15: syntax error, unexpected end of file"},
	{option.V4, "foo", "<string>:1.1: Invalid character: f"},
	{option.V4, "option[12].hex", "<string>:1.15: syntax error, unexpected end of file, expecting == or +"},
	{option.V4, "option[12].foo == 'a'", "<string>:1.12: Invalid character: f"},
	{option.V4, "option[300].hex == 'a'", "<string>:1.8-10: Option code has invalid value in 300. Allowed range: 0..255"},
	{option.V4, "option[foo-bar].hex == 'a'", "<string>:1.8-14: option 'foo-bar' is not defined"},
	{option.V4, "option[host-name].text == 'a'", "OK"},
	{option.V4, "member('bar')", "<string>:1.8-12: Not defined client class 'bar'"},
	{option.V4, "member('KNOWN')", "OK"},
	{option.V4, "member('DROP')", "<string>:1.8-13: Not defined client class 'DROP'"},
	{option.V4, "member('HA_x')", "OK"},
	{option.V4, "pkt6.msgtype == 1", "<string>:1.1-4: pkt6 can only be used in DHCPv6."},
	{option.V4, "relay6[0].peeraddr == ::", "<string>:1.8: Nest level invalid for DHCPv4 packets"},
	{option.V4, "relay6[200].peeraddr == 'a'", "<string>:1.8-10: Invalid value in 200. Allowed range: -128..127"},
	{option.V4, "relay4[1].hex == 'a'", "OK"},
	{option.V4, "'a' + 'b'", "<string>:1.10: syntax error, unexpected end of file, expecting == or +"},
	{option.V4, "('a') == 'a'", "OK"},
	{option.V4, "(('a' == 'a'))", "OK"},
	{option.V4, "substring('a', 0, 'x') == 'a'", "<string>:1.19-21: syntax error, unexpected constant string, expecting all or integer"},
	{option.V4, "'a", "<string>:1.1: Invalid character: '"},
	{option.V4, "1.2.3 == 'a'", "<string>:1.2: syntax error, unexpected ., expecting == or +"},
	{option.V4, "99999999999 == 'a'", "<string>:1.1-11: Invalid value in 99999999999. Allowed range: 0..4294967295"},
	{option.V4, "vendor-class[1].data[300] == 'a'", "<string>:1.22-24: Invalid value in 300. Allowed range: 0..255"},
	{option.V4, "split('a','b',0) == 'a'", "OK"},
	{option.V4, "ifelse('a','b','c') == 'a'", `<string>:1.11: syntax error, unexpected ",", expecting == or +`},
	{option.V4, "not 'a'", "<string>:1.8: syntax error, unexpected end of file, expecting == or +"},
	{option.V4, "'a' == 'b' == 'c'", "<string>:1.12-13: syntax error, unexpected ==, expecting end of file"},
	{option.V4, "option[host-name].option[1].exists", "OK"},
	{option.V4, "vendor[4294967296].exists", "<string>:1.8-17: Invalid value in 4294967296. Allowed range: 0..4294967295"},
	{option.V4, "('a' == 'b'", "<string>:1.12: syntax error, unexpected end of file, expecting ) or and or or"},
	{option.V4, "'a' == 'b' )", "<string>:1.12: syntax error, unexpected ), expecting end of file"},
	{option.V4, "option[12].", "<string>:1.12: syntax error, unexpected end of file, expecting option or text or hex or exists"},
	{option.V4, "'a' == option[12].", "<string>:1.19: syntax error, unexpected end of file, expecting option or text or hex"},
	{option.V4, "option[12", "<string>:1.10: syntax error, unexpected end of file, expecting ]"},
	{option.V4, "option[", "<string>:1.8: syntax error, unexpected end of file, expecting integer or option name"},
	{option.V4, "substring('a',0,1", "<string>:1.18: syntax error, unexpected end of file, expecting )"},
	{option.V4, "vendor-class[1].", "<string>:1.17: syntax error, unexpected end of file, expecting exists or data"},
	{option.V4, "pkt.", "<string>:1.5: syntax error, unexpected end of file, expecting iface or src or dst or len"},
	{option.V4, "pkt4.", "<string>:1.6: syntax error, unexpected end of file"},
	{option.V4, "split('a'", `<string>:1.10: syntax error, unexpected end of file, expecting "," or +`},
	{option.V4, "ifelse('a'=='b'", `<string>:1.16: syntax error, unexpected end of file, expecting and or or or ","`},
	{option.V4, "('a'", "<string>:1.5: syntax error, unexpected end of file, expecting ) or == or +"},
	{option.V4, "member(", "<string>:1.8: syntax error, unexpected end of file, expecting constant string"},
	{option.V4, "0x", "<string>:1.2: Invalid character: x"},
	{option.V4, "0x1g == 'a'", "<string>:1.4: Invalid character: g"},
	{option.V4, "'a' == 10.0.0.256", "<string>:1.8-17: Failed to convert 10.0.0.256 to an IP address."},
	{option.V4, "'a' == ab:cd:ef", "<string>:1.8-15: Failed to convert ab:cd:ef to an IP address."},
	{option.V4, "option[99999999999].hex == 'a'", "<string>:1.8-18: Option code has invalid value in 99999999999"},
	{option.V4, "substring('a',99999999999,1) == 'a'", "OK"},
	{option.V4, "-1 == 'a'", "<string>:1.1-2: Invalid value in -1. Allowed range: 0..4294967295"},
	{option.V4, "option[12].option[1].", "<string>:1.22: syntax error, unexpected end of file, expecting text or hex or exists"},
	{option.V6, "relay4[1].hex == 'a'", "<string>:1.1-6: relay4 can only be used in DHCPv4."},
	{option.V6, "relay4[1].exists", "<string>:1.1-6: relay4 can only be used in DHCPv4."},
	{option.V6, "pkt4.mac == 'a'", "<string>:1.1-4: pkt4 can only be used in DHCPv4."},
	{option.V6, "option[65536].hex == 'a'", "<string>:1.8-12: Option code has invalid value in 65536. Allowed range: 0..65535"},
	{option.V6, "option[65535].hex == 'a'", "OK"},
	{option.V6, "relay6[32].peeraddr == ::", "<string>:1.8-9: Nest level has invalid value in 32. Allowed range: -32..31"},
	{option.V6, "relay6[-33].peeraddr == ::", "<string>:1.8-10: Nest level has invalid value in -33. Allowed range: -32..31"},
	{option.V6, "relay6[-32].option[1].exists", "OK"},
	{option.V6, "option[dns-servers].exists", "OK"},
	{option.V6, "vendor-class[1].data[256] == ''", "<string>:1.22-24: Invalid value in 256. Allowed range: 0..255"},
	{option.V6, "relay6[0].option[70000].exists", "<string>:1.18-22: Option code has invalid value in 70000. Allowed range: 0..65535"},
	{option.V6, "option[host-name].exists", "<string>:1.8-16: option 'host-name' is not defined"},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range parseCases {
		if got := compileResult(tc.u, tc.expr); got != tc.want {
			t.Errorf("%v %q:\n got %s\nwant %s", tc.u, tc.expr, got, tc.want)
		}
	}
}

// TestParseOracle replays testdata/kea22-parse.tsv: expressions made by
// truncating and mutating valid ones, each with what Kea 2.2's
// configuration check said of it as a client class test.
func TestParseOracle(t *testing.T) {
	f, err := os.Open("testdata/kea22-parse.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 4 {
			continue
		}
		u := option.V4
		if fields[0] == "v6" {
			u = option.V6
		}
		n++
		if got := compileResult(u, fields[2]); got != fields[3] {
			t.Errorf("%s %q:\n got %s\nwant %s", fields[0], fields[2], got, fields[3])
		}
	}
	if n < 100 {
		t.Errorf("only %d recorded cases", n)
	}
}

// Positions across lines, as Kea's scanner counts them.
func TestParseErrorLines(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"'a'\n== 'b' )", "<string>:2.8: syntax error, unexpected ), expecting end of file"},
		{"'a' ==\n\n  option[12].foo", "<string>:3.14: Invalid character: f"},
		{"option[host-name\n].hex == 'a'", "OK"},
	} {
		if got := compileResult(option.V4, tc.expr); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestStringKindErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"'a' 'b'", "<string>:1.5-7: syntax error, unexpected constant string, expecting end of file"},
		{"'a' == 'b'", "<string>:1.5-6: syntax error, unexpected ==, expecting end of file"},
		{"option[12].exists", "<string>:1.12-17: syntax error, unexpected exists, expecting option or text or hex"},
		{"option[12].hex + 'x'", "OK"},
	} {
		_, err := Compile(option.V4, String, tc.expr, nil)
		got := "OK"
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.expr, got, tc.want)
		}
	}
}
