// Package klog is Kea's logging system in Go: named loggers in Kea's
// hierarchy (kea-dhcp4, kea-dhcp4.dhcpsrv, ...), messages identified by
// Kea's message IDs and rendered from catalogue texts with %1 %2
// placeholders, severities FATAL..DEBUG with debug levels 0-99, and the
// outputs of Kea's "loggers" configuration (stdout, stderr, syslog, files
// rotated as log4cplus rotates them) laid out by log4cplus patterns.
//
// A package declares its logger and logs catalogue messages:
//
//	var log = klog.NewLogger("dhcpsrv") // becomes kea-dhcp4.dhcpsrv
//	log.Info(keamsg.DHCPSRV_MEMFILE_DB, "persist=true type=memfile universe=4")
//	log.Debug(klog.DbgTraceDetail, keamsg.DHCP4_PACKET_SEND, pkt)
//
// The daemon names the root logger and applies the configuration:
//
//	klog.Default.SetRoot("kea-dhcp4")
//	klog.Default.Startup(verbose)             // before the config is read
//	err := klog.Default.Configure(cfgLoggers) // each (re)configuration
package klog
