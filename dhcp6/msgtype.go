package dhcp6

// MessageType is the msg-type octet of a DHCPv6 message (RFC 8415 7.3 and
// later RFCs).
type MessageType uint8

// Message types, named as in Kea's dhcp6.h (DHCPV6_SOLICIT, ...).
const (
	MsgSolicit            MessageType = 1
	MsgAdvertise          MessageType = 2
	MsgRequest            MessageType = 3
	MsgConfirm            MessageType = 4
	MsgRenew              MessageType = 5
	MsgRebind             MessageType = 6
	MsgReply              MessageType = 7
	MsgRelease            MessageType = 8
	MsgDecline            MessageType = 9
	MsgReconfigure        MessageType = 10
	MsgInformationRequest MessageType = 11
	MsgRelayForw          MessageType = 12
	MsgRelayRepl          MessageType = 13
	MsgLeasequery         MessageType = 14 // RFC 5007
	MsgLeasequeryReply    MessageType = 15 // RFC 5007
	MsgLeasequeryDone     MessageType = 16 // RFC 5460
	MsgLeasequeryData     MessageType = 17 // RFC 5460
	MsgReconfigureRequest MessageType = 18 // RFC 6977
	MsgReconfigureReply   MessageType = 19 // RFC 6977
	MsgDHCPv4Query        MessageType = 20 // RFC 7341
	MsgDHCPv4Response     MessageType = 21 // RFC 7341
	MsgActiveLeasequery   MessageType = 22 // RFC 7653
	MsgStartTLS           MessageType = 23 // RFC 7653
)

// Names as Kea prints them (Pkt6::getName); the two relay types use Kea's
// long forms. Types Kea does not know print as UNKNOWN.
var msgTypeNames = [...]string{
	MsgSolicit:            "SOLICIT",
	MsgAdvertise:          "ADVERTISE",
	MsgRequest:            "REQUEST",
	MsgConfirm:            "CONFIRM",
	MsgRenew:              "RENEW",
	MsgRebind:             "REBIND",
	MsgReply:              "REPLY",
	MsgRelease:            "RELEASE",
	MsgDecline:            "DECLINE",
	MsgReconfigure:        "RECONFIGURE",
	MsgInformationRequest: "INFORMATION_REQUEST",
	MsgRelayForw:          "RELAY_FORWARD",
	MsgRelayRepl:          "RELAY_REPLY",
	MsgLeasequery:         "LEASEQUERY",
	MsgLeasequeryReply:    "LEASEQUERY_REPLY",
	MsgLeasequeryDone:     "LEASEQUERY_DONE",
	MsgLeasequeryData:     "LEASEQUERY_DATA",
	MsgReconfigureRequest: "RECONFIGURE_REQUEST",
	MsgReconfigureReply:   "RECONFIGURE_REPLY",
	MsgDHCPv4Query:        "DHCPV4_QUERY",
	MsgDHCPv4Response:     "DHCPV4_RESPONSE",
	MsgActiveLeasequery:   "ACTIVELEASEQUERY",
	MsgStartTLS:           "STARTTLS",
}

// String returns Kea's name of the message type, or "UNKNOWN".
func (t MessageType) String() string {
	if int(t) < len(msgTypeNames) && msgTypeNames[t] != "" {
		return msgTypeNames[t]
	}
	return "UNKNOWN"
}

// IsRelay reports whether messages of this type use the relay layout
// (hop-count, link-address, peer-address, options).
func (t MessageType) IsRelay() bool { return t == MsgRelayForw || t == MsgRelayRepl }
