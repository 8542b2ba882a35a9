package keactrl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConf(t *testing.T) {
	env := map[string]string{"HOME": "/root", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name, text string
		want       Conf
		err        string
	}{
		{"kea's installed file", `# This is a configuration file for keactrl script which controls
# the startup, shutdown, reconfiguration and gathering the status
# of the Kea processes.

# prefix holds the location where the Kea is installed.
prefix=/usr/local

# Location of Kea configuration file.
kea_dhcp4_config_file=${prefix}/etc/kea/kea-dhcp4.conf
kea_ctrl_agent_config_file=${prefix}/etc/kea/kea-ctrl-agent.conf

# Location of Kea binaries.
exec_prefix=${prefix}
dhcp4_srv=${exec_prefix}/sbin/kea-dhcp4

# Start DHCPv4 server?
dhcp4=yes

# Be verbose?
kea_verbose=no
`, Conf{"prefix": "/usr/local", "kea_dhcp4_config_file": "/usr/local/etc/kea/kea-dhcp4.conf",
			"kea_ctrl_agent_config_file": "/usr/local/etc/kea/kea-ctrl-agent.conf",
			"exec_prefix":                "/usr/local", "dhcp4_srv": "/usr/local/sbin/kea-dhcp4", "dhcp4": "yes", "kea_verbose": "no"}, ""},
		{"quotes and escapes", `a='x y $HOME'
b="$HOME/b \"q\" \$HOME"
c=one\ two
export d=$a-$b
e=  # empty, comment
f="multi \
line"`, Conf{"a": "x y $HOME", "b": `/root/b "q" $HOME`, "c": "one two", "d": `x y $HOME-/root/b "q" $HOME`, "e": "", "f": "multi line"}, ""},
		{"defaults", `a=${UNSET:-def}
b=${EMPTY:-def}
c=${EMPTY-def}
d=${HOME:-def}
e=$UNSET.x`, Conf{"a": "def", "b": "def", "c": "def", "d": "/root", "e": ".x"}, ""},
		{"a later assignment wins", "a=1\na=2\nb=$a", Conf{"a": "2", "b": "2"}, ""},
		{"command", "dhcp4=yes\nrm -rf /tmp/x", nil, "line 2: not a variable assignment"},
		{"command substitution", "a=$(hostname)", nil, "line 1: command substitution is not supported"},
		{"backquotes", "a=\"`hostname`\"", nil, "command substitution"},
		{"command after value", "a=b c", nil, "line 1: unsupported shell syntax after the value: c"},
		{"sequence", "a=b;c=d", nil, `unsupported shell syntax ";"`},
		{"open quote", `a="b`, nil, "unterminated quote"},
		{"bad name", "1a=b", nil, "not a variable assignment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConf(tc.text, getenv)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func FuzzParseConf(f *testing.F) {
	f.Add("a=${b:-c} 'd' \"$e\" # f\nexport g=h\\\ni")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseConf(s, func(string) string { return "" })
	})
}
