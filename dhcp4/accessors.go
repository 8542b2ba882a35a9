package dhcp4

// MessageType returns the DHCP message type (option 53), or DHCP_NOTYPE
// when the option is absent or not one byte long (a BOOTP packet).
func (p *Packet) MessageType() MessageType {
	v, _ := p.GetUint8(OptionMessageType)
	return MessageType(v)
}

// SetMessageType sets option 53, keeping its place when present.
func (p *Packet) SetMessageType(t MessageType) { p.SetUint8(OptionMessageType, uint8(t)) }

// ParameterRequestList returns the payload of option 55: the option codes
// the client asks for, in its order. nil when absent.
func (p *Packet) ParameterRequestList() []byte {
	d, _ := p.Get(OptionParameterRequestList)
	return d
}

// Requests reports whether the parameter request list contains code.
func (p *Packet) Requests(code uint8) bool {
	for _, c := range p.ParameterRequestList() {
		if c == code {
			return true
		}
	}
	return false
}

// ClientID returns the payload of option 61 (type byte and identifier), or
// nil when absent.
func (p *Packet) ClientID() []byte {
	d, _ := p.Get(OptionClientIdentifier)
	return d
}

// ServerID returns the server identifier (option 54).
func (p *Packet) ServerID() (IPv4, bool) { return p.GetIPv4(OptionServerIdentifier) }

// RequestedIP returns the requested IP address (option 50).
func (p *Packet) RequestedIP() (IPv4, bool) { return p.GetIPv4(OptionRequestedAddress) }

// LeaseTime returns the lease time in seconds (option 51).
func (p *Packet) LeaseTime() (uint32, bool) { return p.GetUint32(OptionLeaseTime) }

// RenewalTime returns T1 in seconds (option 58).
func (p *Packet) RenewalTime() (uint32, bool) { return p.GetUint32(OptionRenewalTime) }

// RebindingTime returns T2 in seconds (option 59).
func (p *Packet) RebindingTime() (uint32, bool) { return p.GetUint32(OptionRebindingTime) }

// Hostname returns the payload of option 12, or nil when absent.
func (p *Packet) Hostname() []byte {
	d, _ := p.Get(OptionHostName)
	return d
}

// ClientFQDN returns the raw payload of option 81 (flags, rcode1, rcode2,
// name), or nil when absent. Package option parses the name.
func (p *Packet) ClientFQDN() []byte {
	d, _ := p.Get(OptionFQDN)
	return d
}

// VendorClass returns the payload of option 60, or nil when absent.
func (p *Packet) VendorClass() []byte {
	d, _ := p.Get(OptionVendorClassIdentifier)
	return d
}

// MaxMessageSize returns the client's maximum DHCP message size (option
// 57) as sent; the caller decides what to make of values under 576.
func (p *Packet) MaxMessageSize() (uint16, bool) { return p.GetUint16(OptionMaxMessageSize) }

// RelayAgentInfo returns the sub-options of option 82 (all its instances
// concatenated) and whether the option is present.
func (p *Packet) RelayAgentInfo() (SubOptions, bool) {
	d, ok := p.Get(OptionRelayAgentInformation)
	return SubOptions(d), ok
}

// VendorEncapsulated returns the payload of option 43 as sub-options.
// Whether it holds sub-options at all is up to the vendor; in Kea's
// default vendor space code 0 is a pad and 255 an end, which Iter with
// padEnd set honours.
func (p *Packet) VendorEncapsulated() (SubOptions, bool) {
	d, ok := p.Get(OptionVendorEncapsulated)
	return SubOptions(d), ok
}
