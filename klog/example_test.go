package klog_test

import (
	"os"

	"github.com/nestordhcp/nestor/klog"
)

// A hook library registers its own messages, like a Kea .mes file, and
// logs through a child of the daemon's root logger.
func Example() {
	msgs := klog.MustRegisterMes(`
% EXAMPLE_HOOK_LOADED example hook library loaded, %1 parameters
% EXAMPLE_HOOK_LEASE %1: lease %2 seen
`)
	m := klog.NewManager("kea-dhcp4")
	defer m.Close()
	o := klog.NewOutputOption("stdout")
	o.Pattern = "%-5p [%c] %m\n" // no time, pid or thread: stable output
	if err := m.Configure([]klog.LoggerConfig{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 40, OutputOptions: []klog.OutputOption{o}}}); err != nil {
		os.Exit(1)
	}
	log := m.Logger("example-hooks")
	log.Info(msgs["EXAMPLE_HOOK_LOADED"], 2)
	log.Debug(klog.DbgTraceBasic, msgs["EXAMPLE_HOOK_LEASE"], "[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1", "198.51.100.10")
	log.Debug(klog.DbgTraceDetail, msgs["EXAMPLE_HOOK_LEASE"], "not shown: level 50 > debuglevel 40")
	// Output:
	// INFO  [kea-dhcp4.example-hooks] EXAMPLE_HOOK_LOADED example hook library loaded, 2 parameters
	// DEBUG [kea-dhcp4.example-hooks] EXAMPLE_HOOK_LEASE [hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1: lease 198.51.100.10 seen
}
