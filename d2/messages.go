package d2

import (
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// Kea 2.2's kea-dhcp-ddns messages (d2_messages.mes), so that operators'
// log searches keep working.
var (
	msgStarted          = klog.MustRegister("DHCP_DDNS_STARTED", "Kea DHCP-DDNS server version %1 started")
	msgFailed           = klog.MustRegister("DHCP_DDNS_FAILED", "application experienced a fatal error: %1")
	msgAlreadyRunning   = klog.MustRegister("DHCP_DDNS_ALREADY_RUNNING", "%1 already running? %2")
	msgShutdownCommand  = klog.MustRegister("DHCP_DDNS_SHUTDOWN_COMMAND", "application received shutdown command with args: %1")
	msgRunExit          = klog.MustRegister("DHCP_DDNS_RUN_EXIT", "application is exiting the event loop")
	msgQueueReceive     = klog.MustRegister("DHCP_DDNS_QUEUE_MGR_QUEUE_RECEIVE", "Request ID %1: received and queued a request.")
	msgQueueFull        = klog.MustRegister("DHCP_DDNS_QUEUE_MGR_QUEUE_FULL", "application request queue has reached maximum number of entries %1")
	msgQueueStarted     = klog.MustRegister("DHCP_DDNS_QUEUE_MGR_STARTED", "application's queue manager has begun listening for requests.")
	msgInvalidNCR       = klog.MustRegister("DHCP_DDNS_INVALID_NCR", "application received an invalid DNS update request: %1")
	msgRecvError        = klog.MustRegister("DHCP_DDNS_NCR_UDP_RECV_ERROR", "UDP socket receive error while listening for DNS Update requests: %1")
	msgNoMatch          = klog.MustRegister("DHCP_DDNS_NO_MATCH", "No DNS servers match FQDN %1")
	msgNoFwdMatch       = klog.MustRegister("DHCP_DDNS_NO_FWD_MATCH_ERROR", "Request ID %1: the configured list of forward DDNS domains does not contain a match for: %2  The request has been discarded.")
	msgNoRevMatch       = klog.MustRegister("DHCP_DDNS_NO_REV_MATCH_ERROR", "Request ID %1: the configured list of reverse DDNS domains does not contain a match for: %2  The request has been discarded.")
	msgFwdIgnored       = klog.MustRegister("DHCP_DDNS_FWD_REQUEST_IGNORED", "Request ID %1: Forward updates are disabled, the forward portion of request will be ignored: %2")
	msgRevIgnored       = klog.MustRegister("DHCP_DDNS_REV_REQUEST_IGNORED", "Request ID %1: Reverse updates are disabled, the reverse portion of request will be ignored: %2")
	msgRequestDropped   = klog.MustRegister("DHCP_DDNS_REQUEST_DROPPED", "Request ID %1: Request contains no enabled update requests and will be dropped: %2")
	msgAddSucceeded     = klog.MustRegister("DHCP_DDNS_ADD_SUCCEEDED", "DHCP_DDNS Request ID %1: successfully added the DNS mapping addition for this request: %2")
	msgAddFailed        = klog.MustRegister("DHCP_DDNS_ADD_FAILED", "DHCP_DDNS Request ID %1: Transaction outcome %2")
	msgRemoveSucceeded  = klog.MustRegister("DHCP_DDNS_REMOVE_SUCCEEDED", "DHCP_DDNS Request ID %1: successfully removed the DNS mapping addition for this request: %2")
	msgRemoveFailed     = klog.MustRegister("DHCP_DDNS_REMOVE_FAILED", "DHCP_DDNS Request ID %1: Transaction outcome: %2")
	msgStartingTxn      = klog.MustRegister("DHCP_DDNS_STARTING_TRANSACTION", "Request ID %1:")
	msgRequestSent      = klog.MustRegister("DHCP_DDNS_UPDATE_REQUEST_SENT", "Request ID %1: %2 to server: %3")
	msgResponseReceived = klog.MustRegister("DHCP_DDNS_UPDATE_RESPONSE_RECEIVED", "Request ID %1: to server: %2 status: %3")
	msgFwdAddRejected   = klog.MustRegister("DHCP_DDNS_FORWARD_ADD_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to add the address mapping for FQDN, %3, with an RCODE: %4")
	msgFwdAddIOError    = klog.MustRegister("DHCP_DDNS_FORWARD_ADD_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a forward mapping add for FQDN %2 to DNS server %3")
	msgFwdReplRejected  = klog.MustRegister("DHCP_DDNS_FORWARD_REPLACE_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to replace the address mapping for FQDN, %3, with an RCODE: %4")
	msgFwdReplIOError   = klog.MustRegister("DHCP_DDNS_FORWARD_REPLACE_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a forward mapping replace for FQDN %2 to DNS server %3")
	msgRevReplRejected  = klog.MustRegister("DHCP_DDNS_REVERSE_REPLACE_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to replace the reverse mapping for FQDN, %3, with an RCODE: %4")
	msgRevReplIOError   = klog.MustRegister("DHCP_DDNS_REVERSE_REPLACE_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a reverse mapping replacement for FQDN %2 to DNS server %3")
	msgFwdRemAddrRej    = klog.MustRegister("DHCP_DDNS_FORWARD_REMOVE_ADDRS_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to remove the forward address mapping for FQDN, %3, with an RCODE: %4")
	msgFwdRemAddrIO     = klog.MustRegister("DHCP_DDNS_FORWARD_REMOVE_ADDRS_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a forward mapping address removal for FQDN %2 to DNS server %3")
	msgFwdRemRRsRej     = klog.MustRegister("DHCP_DDNS_FORWARD_REMOVE_RRS_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to remove forward RR entries for FQDN, %3, with an RCODE: %4")
	msgFwdRemRRsIO      = klog.MustRegister("DHCP_DDNS_FORWARD_REMOVE_RRS_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a forward RR removal for FQDN %2 to DNS server %3")
	msgRevRemRejected   = klog.MustRegister("DHCP_DDNS_REVERSE_REMOVE_REJECTED", "DNS Request ID %1: Server, %2, rejected a DNS update request to remove the reverse mapping for FQDN, %3, with an RCODE: %4")
	msgRevRemIOError    = klog.MustRegister("DHCP_DDNS_REVERSE_REMOVE_IO_ERROR", "DHCP_DDNS Request ID %1: encountered an IO error sending a reverse mapping remove for FQDN %2 to DNS server %3")
	msgReconfig         = keamsg.DCTL_CFG_FILE_RELOAD_SIGNAL_RECVD
	msgShutdown         = keamsg.DCTL_SHUTDOWN
)

// Kea's debug levels.
const (
	dbgTrace       = 40 // DBGLVL_TRACE_BASIC
	dbgTraceDetail = 50 // DBGLVL_TRACE_DETAIL
)
