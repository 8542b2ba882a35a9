package nestorcmd

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBuildArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    buildPlan
		wantErr string
	}{
		{[]string{"v0.2.0", "--with", "example.com/lib@v1.2.3"},
			buildPlan{output: "nestor", version: "v0.2.0", with: []module{{path: "example.com/lib", version: "v1.2.3"}}}, ""},
		{[]string{"--with=example.com/lib=../lib", "--with", nestorModule + "=/src/nestor", "-o", "/tmp/n"},
			buildPlan{output: "/tmp/n", with: []module{{path: "example.com/lib", replace: "../lib"}, {path: nestorModule, replace: "/src/nestor"}}}, ""},
		{[]string{"--with", "example.com/lib"}, buildPlan{}, "not built from a release"},
		{[]string{"v1", "--with", "=x"}, buildPlan{}, "needs a module path"},
		{[]string{"v1", "--with", "example.com/a="}, buildPlan{}, "empty replacement"},
		{[]string{"v1", "--frob"}, buildPlan{}, "unknown flag --frob"},
		{[]string{"v1", "--output"}, buildPlan{}, "--output needs a value"},
	}
	for _, tt := range tests {
		got, err := parseBuildArgs(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(buildPlan{}, module{})); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, d)
		}
	}
}

// TestBuildCustomBinary builds a binary with the example third-party hook
// library from examples/hooks/blocklist, as a library author would, and
// checks that the library is compiled in.
func TestBuildCustomBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries; skipped in -short mode")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	nestor := filepath.Join(dir, "nestor")
	if out, err := exec.Command("go", "build", "-o", nestor, "../cmd/nestor").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	custom := filepath.Join(dir, "nestor-custom")
	cmd := exec.Command(nestor, "build",
		"--with", nestorModule+"="+root,
		"--with", "example.com/nestor-blocklist="+filepath.Join(root, "examples/hooks/blocklist"),
		"--output", custom)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("nestor build: %v\n%s", err, out.String())
	}
	rep, err := exec.Command(custom, "dhcp4", "-W").Output()
	if err != nil {
		t.Fatalf("custom -W: %v", err)
	}
	if !strings.Contains(string(rep), "    libexample_blocklist.so\n") {
		t.Errorf("custom binary's report does not list the library:\n%s", rep)
	}
	plain, err := exec.Command(nestor, "dhcp4", "-W").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "libexample_blocklist.so") {
		t.Errorf("the plain binary lists the third-party library")
	}
}
