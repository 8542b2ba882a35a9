package agent

import (
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// Kea 2.2's kea-ctrl-agent messages (ca_messages.mes), so that operators'
// log searches keep working.
var (
	msgStarted         = klog.MustRegister("CTRL_AGENT_STARTED", "Kea Control Agent version %1 started")
	msgHTTPStarted     = klog.MustRegister("CTRL_AGENT_HTTP_SERVICE_STARTED", "HTTP service bound to address %1:%2")
	msgHTTPSStarted    = klog.MustRegister("CTRL_AGENT_HTTPS_SERVICE_STARTED", "HTTPS service bound to address %1:%2")
	msgCommandReceived = klog.MustRegister("CTRL_AGENT_COMMAND_RECEIVED", "command %1 received from remote address %2")
	msgForwardBegin    = klog.MustRegister("CTRL_AGENT_COMMAND_FORWARD_BEGIN", "begin forwarding command %1 to service %2")
	msgForwarded       = klog.MustRegister("CTRL_AGENT_COMMAND_FORWARDED", "command %1 successfully forwarded to the service %2")
	msgForwardFailed   = klog.MustRegister("CTRL_AGENT_COMMAND_FORWARD_FAILED", "failed forwarding command %1: %2")
	msgConfigFail      = klog.MustRegister("CTRL_AGENT_CONFIG_FAIL", "Control Agent configuration failed: %1")
	msgConfigCheckFail = klog.MustRegister("CTRL_AGENT_CONFIG_CHECK_FAIL", "Control Agent configuration check failed: %1")
	msgRunExit         = klog.MustRegister("CTRL_AGENT_RUN_EXIT", "application is exiting the event loop")
	msgFailed          = klog.MustRegister("CTRL_AGENT_FAILED", "application experienced a fatal error: %1")
	msgBadRequest      = klog.MustRegister("HTTP_BAD_CLIENT_REQUEST_RECEIVED", "bad request received from %1: %2")
	msgAuthFailed      = klog.MustRegister("HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", "received HTTP request with not matching basic HTTP authentication credentials from %1")
	msgAuthOK          = klog.MustRegister("HTTP_CLIENT_REQUEST_AUTHORIZED", "received HTTP request authorized for '%1' from %2")
	// The daemon-control messages are shared by every daemon: Kea's
	// catalogue (keamsg) holds them.
	msgReconfig = keamsg.DCTL_CFG_FILE_RELOAD_SIGNAL_RECVD
	msgShutdown = keamsg.DCTL_SHUTDOWN
)

// dbgDetail is Kea's DBGLVL_TRACE_DETAIL.
const dbgDetail = 50
