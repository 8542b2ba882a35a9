package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDaemon(t *testing.T) {
	d4 := DaemonSpec{Program: "kea-dhcp4", Description: "DHCPv4 server", Ports: true}
	agent := DaemonSpec{Program: "kea-ctrl-agent", Description: "Control Agent"}
	tests := []struct {
		name    string
		spec    DaemonSpec
		args    []string
		want    DaemonArgs
		wantErr string // "" = no error; "usage" = usage error without message
	}{
		{"run", d4, []string{"-c", "/etc/kea/kea-dhcp4.conf"}, DaemonArgs{Mode: ModeRun, ConfigFile: "/etc/kea/kea-dhcp4.conf"}, ""},
		{"check", d4, []string{"-t", "x.json"}, DaemonArgs{Mode: ModeCheck, ConfigFile: "x.json"}, ""},
		{"check extra", d4, []string{"-T", "x.json"}, DaemonArgs{Mode: ModeCheckExtra, ConfigFile: "x.json"}, ""},
		{"debug and ports", d4, []string{"-d", "-c", "x", "-p", "1067", "-P1068"}, DaemonArgs{Mode: ModeRun, ConfigFile: "x", Debug: true, ServerPort: 1067, ClientPort: 1068}, ""},
		{"version wins", d4, []string{"-v", "-c", "x"}, DaemonArgs{Mode: ModeVersion}, ""},
		{"ext version", d4, []string{"-V"}, DaemonArgs{Mode: ModeExtVersion}, ""},
		{"report", d4, []string{"-W"}, DaemonArgs{Mode: ModeReport}, ""},
		{"no config", d4, []string{"-d"}, DaemonArgs{}, "Configuration file not specified."},
		{"bad server port", d4, []string{"-p", "0", "-c", "x"}, DaemonArgs{}, "Failed to parse server port number: [0], 1-65535 allowed."},
		{"bad client port", d4, []string{"-c", "x", "-P", "70000"}, DaemonArgs{}, "Failed to parse client port number: [70000], 1-65535 allowed."},
		{"port not a number", d4, []string{"-c", "x", "-p", "abc"}, DaemonArgs{}, "Failed to parse server port number: [abc], 1-65535 allowed."},
		{"extraneous", d4, []string{"-c", "a", "b"}, DaemonArgs{}, "usage"},
		{"unknown", d4, []string{"-h"}, DaemonArgs{}, "kea-dhcp4: invalid option -- 'h'"},
		{"agent has no ports", agent, []string{"-c", "x", "-p", "1"}, DaemonArgs{}, "kea-ctrl-agent: invalid option -- 'p'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.spec.ParseDaemon(tt.args)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && !IsUsage(err):
				t.Fatalf("error = %v, want usage error %q", err, tt.wantErr)
			case tt.wantErr == "usage" && err.Error() != "":
				t.Fatalf("error = %q, want bare usage", err)
			case tt.wantErr != "" && tt.wantErr != "usage" && err.Error() != tt.wantErr:
				t.Fatalf("error = %q, want %q", err, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

func TestUsageMentionsPortsOnlyWhenTaken(t *testing.T) {
	d4 := DaemonSpec{Program: "kea-dhcp4", Description: "DHCPv4 server", Ports: true}.Usage()
	agent := DaemonSpec{Program: "kea-ctrl-agent", Description: "Control Agent"}.Usage()
	if !strings.Contains(d4, "Usage: kea-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number]") {
		t.Errorf("dhcp4 usage line missing:\n%s", d4)
	}
	if strings.Contains(agent, "-p number") {
		t.Errorf("agent usage mentions ports:\n%s", agent)
	}
}
