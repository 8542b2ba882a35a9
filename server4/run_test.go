package server4

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/internal/cli"
)

func TestRunBadConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	t.Setenv("KEA_LOCKFILE_DIR", "none")
	cfg := filepath.Join(dir, "bad.json")
	os.WriteFile(cfg, []byte(`{"Dhcp4": {"valid-lifetime": 10, "foo": 1}}`), 0o644)
	logf := filepath.Join(dir, "kea.log")
	t.Setenv("KEA_LOGGER_DESTINATION", logf)
	var out, errb bytes.Buffer
	code := Run(cli.DaemonArgs{Mode: cli.ModeRun, ConfigFile: cfg}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// Kea 2.2 (kea-dhcp4 -c with this file) writes nothing on stderr and
	// logs these three lines.
	if errb.Len() != 0 {
		t.Errorf("stderr %q, want nothing", errb.String())
	}
	b, _ := os.ReadFile(logf)
	reason := cfg + `:1.34-38: got unexpected keyword "foo" in Dhcp4 map.`
	want := []string{
		`INFO  [kea-dhcp4.dhcp4/PID.TID] DHCP4_STARTING Kea DHCPv4 server version VER (nestor) starting`,
		`ERROR [kea-dhcp4.dhcp4/PID.TID] DHCP4_CONFIG_LOAD_FAIL configuration error using file: ` + cfg + `, reason: ` + reason,
		`ERROR [kea-dhcp4.dhcp4/PID.TID] DHCP4_INIT_FAIL failed to initialize Kea server: configuration error using file '` + cfg + `': ` + reason,
	}
	checkKeaLines(t, string(b), want)
	if _, err := os.Stat(filepath.Join(dir, "bad.kea-dhcp4.pid")); err == nil {
		t.Errorf("PID file left behind")
	}
}

// keaLine is Kea's default layout: "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m".
var keaLine = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (.{5}) \[([a-z0-9.-]+)/\d+\.\d+\] (.*)$`)

// checkKeaLines checks that text is exactly the lines of want in Kea's
// layout; PID.TID and VER in want stand for any pid.tid and version.
func checkKeaLines(t *testing.T, text string, want []string) {
	t.Helper()
	got := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d log lines, want %d:\n%s", len(got), len(want), text)
	}
	ver := regexp.MustCompile(`server version \S+ `)
	for i, line := range got {
		m := keaLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d not in Kea's layout: %q", i, line)
			continue
		}
		norm := ver.ReplaceAllString(m[1]+" ["+m[2]+"/PID.TID] "+m[3], "server version VER ")
		if norm != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, norm, want[i])
		}
	}
}
