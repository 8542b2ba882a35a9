package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// MaxRelays is the most relay levels Decode accepts around one message.
// Kea's HOP_COUNT_LIMIT is 32 (RFC 3315; RFC 8415 lowered it to 8); a 33rd
// level fails with KindRelayTooDeep.
const MaxRelays = 32

// Relay is one RELAY-FORW or RELAY-REPL level.
type Relay struct {
	MsgType  MessageType
	HopCount uint8
	LinkAddr netip.Addr
	PeerAddr netip.Addr
	// Options holds every option of this level in wire order, RELAY_MSG
	// included. When several RELAY_MSG options are present the last one
	// carries the inner message, as in Kea.
	Options Options
}

// RelayMsg returns the payload of the RELAY_MSG option that carries the
// inner message (the last one), or nil.
func (r *Relay) RelayMsg() []byte {
	if i := r.relayMsgIndex(); i >= 0 {
		return r.Options[i].Data
	}
	return nil
}

func (r *Relay) relayMsgIndex() int {
	for i := len(r.Options) - 1; i >= 0; i-- {
		if r.Options[i].Code == OptRelayMsg {
			return i
		}
	}
	return -1
}

// InterfaceID returns the INTERFACE_ID option's opaque payload.
func (r *Relay) InterfaceID() ([]byte, bool) {
	o, ok := r.Options.Get(OptInterfaceID)
	return o.Data, ok
}

// SubscriberID returns the SUBSCRIBER_ID option's opaque payload.
func (r *Relay) SubscriberID() ([]byte, bool) {
	o, ok := r.Options.Get(OptSubscriberID)
	return o.Data, ok
}

// RemoteID returns the REMOTE_ID option (RFC 4649).
func (r *Relay) RemoteID() (RemoteID, bool, error) {
	o, ok := r.Options.Get(OptRemoteID)
	if !ok {
		return RemoteID{}, false, nil
	}
	v, err := ParseRemoteID(o.Data)
	return v, err == nil, err
}

// SourcePort returns the RELAY_SOURCE_PORT option (RFC 8357): the UDP
// port the relay sent from, to which the reply must go.
func (r *Relay) SourcePort() (uint16, bool, error) {
	o, ok := r.Options.Get(OptRelaySourcePort)
	if !ok {
		return 0, false, nil
	}
	if len(o.Data) != 2 {
		return 0, false, ErrBadLength
	}
	return binary.BigEndian.Uint16(o.Data), true, nil
}

// RemoteID is the payload of REMOTE_ID: the relay's enterprise number and
// an opaque identifier.
type RemoteID struct {
	Enterprise uint32
	ID         []byte
}

// ParseRemoteID decodes a REMOTE_ID payload (at least the 4-octet
// enterprise number).
func ParseRemoteID(b []byte) (RemoteID, error) {
	if len(b) < 4 {
		return RemoteID{}, ErrBadLength
	}
	return RemoteID{Enterprise: binary.BigEndian.Uint32(b), ID: b[4:]}, nil
}

// RelayOption searches the relay levels for an option, as Kea's
// getAnyRelayOption does: from the relay closest to the client outwards
// when fromClient is true, else from the server side inwards.
func (p *Packet) RelayOption(code OptionCode, fromClient bool) (Option, int, bool) {
	n := len(p.Relays)
	for k := 0; k < n; k++ {
		i := k
		if fromClient {
			i = n - 1 - k
		}
		if o, ok := p.Relays[i].Options.Get(code); ok {
			return o, i, true
		}
	}
	return Option{}, -1, false
}
