package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// agentOracleDir holds Kea 2.2's kea-ctrl-agent -t results on broken
// configurations (agent/testdata/kea22/capture.sh records them).
const agentOracleDir = "../agent/testdata/kea22"

// TestCheckControlAgentFileOracle runs CheckControlAgentFile on every
// recorded configuration and compares exit status, stderr and stdout with
// kea-ctrl-agent -t's.
func TestCheckControlAgentFileOracle(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(agentOracleDir, "configs", "*.json"))
	if len(files) < 20 {
		t.Fatalf("only %d recorded configurations", len(files))
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(filepath.Join(agentOracleDir, "configs")); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(wd, agentOracleDir, "check", name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			var so, se bytes.Buffer
			code := CheckControlAgentFile(name+".json", &so, &se)
			got := formatCheck(code, so.String(), se.String())
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("kea-ctrl-agent -t %s.json differs (-kea +nestor):\n%s", name, diff)
			}
		})
	}
}

func formatCheck(code int, stdout, stderr string) string {
	var b strings.Builder
	b.WriteString("exit " + string(rune('0'+code)) + "\n")
	for _, l := range strings.SplitAfter(stdout, "\n") {
		if l != "" {
			b.WriteString("stdout: " + l)
		}
	}
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if l != "" {
			b.WriteString("stderr: " + l)
		}
	}
	return b.String()
}
