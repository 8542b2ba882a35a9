package dhcp4

// Sub-option codes of the relay agent information option (82), named after
// Kea's RAI_OPTION_* constants.
const (
	RAICircuitID                  uint8 = 1   // RFC 3046
	RAIRemoteID                   uint8 = 2   // RFC 3046
	RAIDOCSISDeviceClass          uint8 = 4   // RFC 3256
	RAILinkSelection              uint8 = 5   // RFC 3527
	RAISubscriberID               uint8 = 6   // RFC 3993
	RAIRadiusAttributes           uint8 = 7   // RFC 4014
	RAIAuthentication             uint8 = 8   // RFC 4030
	RAIVendorSpecific             uint8 = 9   // RFC 4243
	RAIRelayFlags                 uint8 = 10  // RFC 5010
	RAIServerIDOverride           uint8 = 11  // RFC 5107
	RAIRelayID                    uint8 = 12  // RFC 6925
	RAIAccessTechnologyType       uint8 = 13  // RFC 7839
	RAIAccessNetworkName          uint8 = 14  // RFC 7839
	RAIAccessPointName            uint8 = 15  // RFC 7839
	RAIAccessPointBSSID           uint8 = 16  // RFC 7839
	RAIOperatorID                 uint8 = 17  // RFC 7839
	RAIOperatorRealm              uint8 = 18  // RFC 7839
	RAIRelayPort                  uint8 = 19  // RFC 8357
	RAIVirtualSubnetSelection     uint8 = 151 // RFC 6607
	RAIVirtualSubnetSelectionCtrl uint8 = 152 // RFC 6607
)

// CircuitID returns sub-option 1.
func (s SubOptions) CircuitID() ([]byte, bool) { return s.Get(RAICircuitID) }

// RemoteID returns sub-option 2.
func (s SubOptions) RemoteID() ([]byte, bool) { return s.Get(RAIRemoteID) }

// SubscriberID returns sub-option 6.
func (s SubOptions) SubscriberID() ([]byte, bool) { return s.Get(RAISubscriberID) }

// LinkSelection returns sub-option 5 when it is a 4-byte address.
func (s SubOptions) LinkSelection() (IPv4, bool) { return s.getIPv4(RAILinkSelection) }

// ServerIDOverride returns sub-option 11 when it is a 4-byte address.
func (s SubOptions) ServerIDOverride() (IPv4, bool) { return s.getIPv4(RAIServerIDOverride) }

// RelayPort returns sub-option 19 (RFC 8357): present (it may be empty, or
// carry the relay's source port as 2 bytes) and the port when given.
func (s SubOptions) RelayPort() (port uint16, present bool) {
	d, ok := s.Get(RAIRelayPort)
	if !ok {
		return 0, false
	}
	if len(d) == 2 {
		return uint16(readUint(d)), true
	}
	return 0, true
}

func (s SubOptions) getIPv4(code uint8) (IPv4, bool) {
	d, ok := s.Get(code)
	if !ok || len(d) != 4 {
		return IPv4{}, false
	}
	return IPv4(d), true
}
