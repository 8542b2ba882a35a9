package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetopt(t *testing.T) {
	const spec = "dvVWc:t:T:p:P:"
	tests := []struct {
		name     string
		args     []string
		wantOpts []Opt
		wantRest []string
		wantErr  string
	}{
		{"separate value", []string{"-c", "kea.conf"}, []Opt{{'c', "kea.conf"}}, []string{}, ""},
		{"attached value", []string{"-ckea.conf"}, []Opt{{'c', "kea.conf"}}, []string{}, ""},
		{"cluster then value", []string{"-dc", "x.json"}, []Opt{{'d', ""}, {'c', "x.json"}}, []string{}, ""},
		{"positional stops", []string{"-d", "extra", "-v"}, []Opt{{'d', ""}}, []string{"extra", "-v"}, ""},
		{"double dash", []string{"-d", "--", "-v"}, []Opt{{'d', ""}}, []string{"-v"}, ""},
		{"unknown", []string{"-x"}, nil, nil, "invalid option -- 'x'"},
		{"unknown in cluster", []string{"-dh"}, nil, nil, "invalid option -- 'h'"},
		{"missing value", []string{"-c"}, nil, nil, "option requires an argument -- 'c'"},
		{"lone dash is positional", []string{"-"}, nil, []string{"-"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, rest, err := Getopt(tt.args, spec)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.wantOpts, opts); d != "" {
				t.Errorf("opts (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantRest, rest); d != "" {
				t.Errorf("rest (-want +got):\n%s", d)
			}
		})
	}
}
