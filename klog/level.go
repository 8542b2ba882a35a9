package klog

import (
	"fmt"
	"strings"
)

// Severity is a Kea log severity.
type Severity int8

// Kea's severities, least severe first. None disables a logger.
const (
	Debug Severity = iota
	Info
	Warn
	Error
	Fatal
	None
)

var severityNames = [...]string{"DEBUG", "INFO", "WARN", "ERROR", "FATAL", "NONE"}

// String returns Kea's name of the severity ("DEBUG", "INFO", ...).
func (s Severity) String() string {
	if s < Debug || s > None {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name as Kea's configuration writes it,
// ignoring case as Kea does.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("klog: unrecognized log severity: %s", s)
}

// Debug levels Kea's components use (log_dbglevels.h): what each level
// reveals is documented in the ARM's "Logging Levels".
const (
	DbgStartShut       = 0  // start-up and shut-down
	DbgCommand         = 10 // API commands received
	DbgPktHandling     = 15 // why a packet was dropped
	DbgTraceBasic      = 40 // processing decisions
	DbgTraceBasicData  = 45 // ... with their data (subnet selected)
	DbgTraceDetail     = 50 // packet/lease processing details
	DbgTraceDetailData = 55 // full packet contents
	MaxDebugLevel      = 99
)

// Levels are compared as log4cplus compares them once Kea has mapped its
// severities: debug level N is DEBUG-N, so a logger at DEBUG with
// debuglevel D passes a debug message at level N exactly when N <= D.
const (
	lvDebug int32 = 10000
	lvInfo  int32 = 20000
	lvWarn  int32 = 30000
	lvError int32 = 40000
	lvFatal int32 = 50000
	lvOff   int32 = 60000
)

// threshold is the lowest level value a logger lets through.
func threshold(s Severity, dbg int) int32 {
	switch s {
	case Debug:
		return lvDebug - int32(clampDebug(dbg))
	case Info:
		return lvInfo
	case Warn:
		return lvWarn
	case Error:
		return lvError
	case Fatal:
		return lvFatal
	}
	return lvOff
}

func clampDebug(d int) int {
	if d < 0 {
		return 0
	}
	if d > MaxDebugLevel {
		return MaxDebugLevel
	}
	return d
}

// syslogSeverity maps a message level to the syslog priority log4cplus's
// SysLogAppender sends: every debug level is LOG_DEBUG, FATAL is LOG_CRIT.
func syslogSeverity(s Severity) int {
	switch s {
	case Debug:
		return 7
	case Info:
		return 6
	case Warn:
		return 4
	case Error:
		return 3
	}
	return 2
}
