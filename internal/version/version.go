// Package version holds Nestor's version and the build report that
// -v, -V, -W and the version-get and build-report commands print.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is Nestor's release number. Release builds set it with
// -ldflags "-X github.com/nestordhcp/nestor/internal/version.Version=...".
var Version = "0.1.0-dev"

// KeaCompat is the Kea release whose behaviour Nestor follows.
const KeaCompat = "2.6"

// Extended returns the multi-line text Kea prints for -V: the version, the
// build kind and what the binary is linked with.
func Extended() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (nestor)\n", Version)
	b.WriteString("linked with:\n")
	fmt.Fprintf(&b, "Go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	b.WriteString("database:\n")
	b.WriteString("Memfile backend 3.0\n")
	return b.String()
}

// Report returns the build report printed by -W and the build-report command.
func Report() string {
	var b strings.Builder
	b.WriteString("Nestor build report\n")
	fmt.Fprintf(&b, "  Version:          %s\n", Version)
	fmt.Fprintf(&b, "  Follows Kea:      %s\n", KeaCompat)
	fmt.Fprintf(&b, "  Go:               %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(&b, "  Module:           %s %s\n", bi.Main.Path, bi.Main.Version)
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision", "vcs.time", "vcs.modified", "CGO_ENABLED", "-tags":
				fmt.Fprintf(&b, "  %-17s %s\n", s.Key+":", s.Value)
			}
		}
		if len(bi.Deps) > 0 {
			b.WriteString("  Dependencies:\n")
			for _, d := range bi.Deps {
				fmt.Fprintf(&b, "    %s %s\n", d.Path, d.Version)
			}
		}
	}
	return b.String()
}
