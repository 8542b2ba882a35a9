package dhcp4

// Sizes of the fixed parts of a DHCPv4 packet.
const (
	// HeaderLen is the length of the BOOTP header, up to the magic cookie.
	HeaderLen = 236
	// CookieLen is the length of the DHCP magic cookie.
	CookieLen = 4
	// OptionsOffset is where the options field starts.
	OptionsOffset = HeaderLen + CookieLen
	// BOOTPMinLen is the minimum size of a BOOTP message (RFC 951): Kea's
	// BOOTP hook library pads its replies to it, and several clients pad
	// their requests to it.
	BOOTPMinLen = 300
	// MinMaxMessageSize is the smallest maximum message size a client may
	// announce in option 57 (RFC 2132 section 9.10).
	MinMaxMessageSize = 576

	chaddrLen = 16
	snameLen  = 64
	fileLen   = 128
)

// MagicCookie is the DHCP magic cookie (99.130.83.99) in network order.
var MagicCookie = [4]byte{99, 130, 83, 99}

// BOOTP op codes.
const (
	BootRequest uint8 = 1
	BootReply   uint8 = 2
)

// Hardware types (htype) most often seen.
const (
	HTypeEthernet   uint8 = 1
	HTypeIEEE802    uint8 = 6
	HTypeInfiniband uint8 = 32
)

// FlagBroadcast is the broadcast bit of the BOOTP flags field (RFC 2131).
const FlagBroadcast uint16 = 0x8000

// MessageType is the value of the DHCP message type option (53). The
// constant names are Kea's (dhcp/dhcp4.h).
type MessageType uint8

// DHCP message types (RFC 2132, 3203, 4388, 6926, 7724).
const (
	DHCP_NOTYPE          MessageType = 0
	DHCPDISCOVER         MessageType = 1
	DHCPOFFER            MessageType = 2
	DHCPREQUEST          MessageType = 3
	DHCPDECLINE          MessageType = 4
	DHCPACK              MessageType = 5
	DHCPNAK              MessageType = 6
	DHCPRELEASE          MessageType = 7
	DHCPINFORM           MessageType = 8
	DHCPFORCERENEW       MessageType = 9
	DHCPLEASEQUERY       MessageType = 10
	DHCPLEASEUNASSIGNED  MessageType = 11
	DHCPLEASEUNKNOWN     MessageType = 12
	DHCPLEASEACTIVE      MessageType = 13
	DHCPBULKLEASEQUERY   MessageType = 14
	DHCPLEASEQUERYDONE   MessageType = 15
	DHCPACTIVELEASEQUERY MessageType = 16
	DHCPLEASEQUERYSTATUS MessageType = 17
	DHCPTLS              MessageType = 18
)

var messageTypeNames = [...]string{
	"DHCP_NOTYPE", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPDECLINE",
	"DHCPACK", "DHCPNAK", "DHCPRELEASE", "DHCPINFORM", "DHCPFORCERENEW",
	"DHCPLEASEQUERY", "DHCPLEASEUNASSIGNED", "DHCPLEASEUNKNOWN",
	"DHCPLEASEACTIVE", "DHCPBULKLEASEQUERY", "DHCPLEASEQUERYDONE",
	"DHCPACTIVELEASEQUERY", "DHCPLEASEQUERYSTATUS", "DHCPTLS",
}

// String returns Kea's name of the message type, or "UNKNOWN" as Kea's
// Pkt4::getName does.
func (t MessageType) String() string {
	if int(t) < len(messageTypeNames) {
		return messageTypeNames[t]
	}
	return "UNKNOWN"
}

// BootpOp returns the BOOTP op code a message of this type carries
// (BootRequest for messages from clients, BootReply for messages from
// servers), and false for a type with no direction.
func (t MessageType) BootpOp() (uint8, bool) {
	switch t {
	case DHCPDISCOVER, DHCPREQUEST, DHCPDECLINE, DHCPRELEASE, DHCPINFORM,
		DHCPLEASEQUERY, DHCPBULKLEASEQUERY, DHCPACTIVELEASEQUERY:
		return BootRequest, true
	case DHCPOFFER, DHCPACK, DHCPNAK, DHCPFORCERENEW, DHCPLEASEUNASSIGNED,
		DHCPLEASEUNKNOWN, DHCPLEASEACTIVE, DHCPLEASEQUERYDONE,
		DHCPLEASEQUERYSTATUS:
		return BootReply, true
	}
	return 0, false
}

// Option codes the codec and its accessors use. The full table of option
// definitions lives in package option; these names follow Kea's DHO_*
// constants in Go casing.
const (
	OptionPad                       uint8 = 0
	OptionSubnetMask                uint8 = 1
	OptionTimeOffset                uint8 = 2
	OptionRouters                   uint8 = 3
	OptionDomainNameServers         uint8 = 6
	OptionHostName                  uint8 = 12
	OptionDomainName                uint8 = 15
	OptionBroadcastAddress          uint8 = 28
	OptionNTPServers                uint8 = 42
	OptionVendorEncapsulated        uint8 = 43
	OptionRequestedAddress          uint8 = 50
	OptionLeaseTime                 uint8 = 51
	OptionOverload                  uint8 = 52
	OptionMessageType               uint8 = 53
	OptionServerIdentifier          uint8 = 54
	OptionParameterRequestList      uint8 = 55
	OptionMessage                   uint8 = 56
	OptionMaxMessageSize            uint8 = 57
	OptionRenewalTime               uint8 = 58
	OptionRebindingTime             uint8 = 59
	OptionVendorClassIdentifier     uint8 = 60
	OptionClientIdentifier          uint8 = 61
	OptionTFTPServerName            uint8 = 66
	OptionBootFileName              uint8 = 67
	OptionUserClass                 uint8 = 77
	OptionFQDN                      uint8 = 81
	OptionRelayAgentInformation     uint8 = 82
	OptionClientLastTransactionTime uint8 = 91
	OptionAssociatedIP              uint8 = 92
	OptionSubnetSelection           uint8 = 118
	OptionDomainSearch              uint8 = 119
	OptionClasslessStaticRoute      uint8 = 121
	OptionVIVCO                     uint8 = 124
	OptionVIVSO                     uint8 = 125
	OptionEnd                       uint8 = 255
)

// Overload values of option 52 (RFC 2132 section 9.3): which header fields
// carry options.
const (
	OverloadFile  uint8 = 1
	OverloadSName uint8 = 2
	OverloadBoth  uint8 = 3
)
