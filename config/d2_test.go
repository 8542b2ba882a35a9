package config

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestD2CheckAgainstKea runs "kea-dhcp-ddns -t" (Kea 2.2) and
// CheckDhcpDdnsFile on the DhcpDdns files in testdata/d2 (one valid, the
// others broken one way each) and compares stdout, stderr and the exit
// status. Kea's time stamps and thread ids are removed.
func TestD2CheckAgainstKea(t *testing.T) {
	const kea = "/usr/sbin/kea-dhcp-ddns"
	if _, err := os.Stat(kea); err != nil {
		t.Skip("kea-dhcp-ddns is not installed")
	}
	files, _ := filepath.Glob("testdata/d2/*.json")
	if len(files) < 30 {
		t.Fatalf("only %d test files", len(files))
	}
	stamp := regexp.MustCompile(`(?m)^[0-9-]+ [0-9:.]+ (\w+ *\[[\w.-]+)/[0-9.]+\]`)
	for _, f := range files {
		var kout, kerr bytes.Buffer
		cmd := exec.Command(kea, "-t", f)
		cmd.Stdout, cmd.Stderr = &kout, &kerr
		_ = cmd.Run()
		krc := cmd.ProcessState.ExitCode()
		var nout, nerr bytes.Buffer
		nrc := CheckDhcpDdnsFile(f, &nout, &nerr)
		ko := stamp.ReplaceAllString(kout.String(), "$1]")
		if ko != nout.String() || kerr.String() != nerr.String() || krc != nrc {
			t.Errorf("%s:\nKea (%d):\n%s%s\nNestor (%d):\n%s%s", f, krc, ko, kerr.String(), nrc, nout.String(), nerr.String())
		}
	}
}

// TestD2Defaults checks the defaults a minimal configuration gets.
func TestD2Defaults(t *testing.T) {
	c, err := ParseDhcpDdns("<test>", []byte(`{"DhcpDdns": {"forward-ddns": {"ddns-domains": [
		{"name": "example.org.", "dns-servers": [{"ip-address": "2001:db8::53"}]}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.IPAddress != "127.0.0.1" || c.Port != 53001 || c.DNSServerTimeout != 500 || c.NCRProtocol != "UDP" ||
		c.NCRFormat != "JSON" || c.Forward[0].Servers[0].Port != 53 {
		t.Errorf("defaults: %+v", c)
	}
	if s := D2Summary(c); s != "listening on 127.0.0.1, port 53001, using UDP" {
		t.Errorf("summary %q", s)
	}
	doc, err := Compact(UnparseDhcpDdns(c))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"dns-servers": [ { "hostname": "", "ip-address": "2001:db8::53", "port": 53 } ]`) {
		t.Errorf("unparse: %s", doc)
	}
}
