// Package host holds DHCPv4 host reservations as the servers use them (Kea's
// Host and CfgHosts): identifiers with Kea's names and codes, the reserved
// address, hostname, classes, boot fields and options, and an indexed store
// built from the configuration file's global and per-subnet reservations.
package host

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/lease"
)

// IdentifierType is a kind of host identifier, numbered as Kea numbers them
// (Host::IdentifierType), which is also the order of the default
// host-reservation-identifiers list.
type IdentifierType uint8

// The identifier types.
const (
	IdentHWAddr    IdentifierType = 0 // "hw-address": chaddr
	IdentDUID      IdentifierType = 1 // "duid": the DUID of an RFC 4361 client identifier
	IdentCircuitID IdentifierType = 2 // "circuit-id": RAI sub-option 1
	IdentClientID  IdentifierType = 3 // "client-id": option 61 with its type byte
	IdentFlexID    IdentifierType = 4 // "flex-id": computed by the flex_id hook
)

var identNames = [...]string{"hw-address", "duid", "circuit-id", "client-id", "flex-id"}

// DefaultIdentifiers4 is Kea's default host-reservation-identifiers for
// DHCPv4.
var DefaultIdentifiers4 = []IdentifierType{IdentHWAddr, IdentDUID, IdentCircuitID, IdentClientID}

// String returns Kea's name of the type ("hw-address", ...).
func (t IdentifierType) String() string {
	if int(t) < len(identNames) {
		return identNames[t]
	}
	return fmt.Sprintf("identifier-type-%d", uint8(t))
}

// ParseIdentifierType accepts Kea's names; "hw-address" may also be written
// "hwaddr" as Kea's host commands accept.
func ParseIdentifierType(s string) (IdentifierType, error) {
	for i, n := range identNames {
		if s == n {
			return IdentifierType(i), nil
		}
	}
	if s == "hwaddr" {
		return IdentHWAddr, nil
	}
	return 0, fmt.Errorf("host: invalid host identifier type: %s", s)
}

// ParseIdentifiers turns a host-reservation-identifiers list into types.
// An empty or nil list gives DefaultIdentifiers4.
func ParseIdentifiers(names []string) ([]IdentifierType, error) {
	if len(names) == 0 {
		return DefaultIdentifiers4, nil
	}
	out := make([]IdentifierType, 0, len(names))
	for _, n := range names {
		t, err := ParseIdentifierType(n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ParseIdentifier parses an identifier value as Kea takes it: hexadecimal
// octets with or without colons ("01:0a:bb", "010abb") or a quoted string
// ("'charter950'") whose bytes are the identifier.
func ParseIdentifier(s string) ([]byte, error) {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		v := s[1 : len(s)-1]
		if v == "" {
			return nil, errors.New("host: empty quoted identifier")
		}
		return []byte(v), nil
	}
	if s == "" {
		return nil, errors.New("host: empty identifier")
	}
	b, err := lease.ParseHex(s)
	if err != nil {
		return nil, fmt.Errorf("host: invalid identifier %q: %w", s, err)
	}
	return b, nil
}

// FormatIdentifier returns an identifier as Kea prints it: lowercase hex
// octets separated by colons.
func FormatIdentifier(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

// Identifier is one identifier of a client: a type and its value.
type Identifier struct {
	Type  IdentifierType
	Value []byte
}

// ClientIdentifiers4 returns the identifiers a DHCPv4 client presents, in the
// order of the host-reservation-identifiers list (Kea's host_identifiers_).
// hw is chaddr, clientID the whole option 61 payload, circuitID the RAI
// circuit-id sub-option and flexID the flex_id hook's value; empty ones are
// left out. The duid identifier is the DUID inside an RFC 4361 client
// identifier (type 255, then a 4-byte IAID, then the DUID).
func ClientIdentifiers4(order []IdentifierType, hw, clientID, circuitID, flexID []byte) []Identifier {
	if order == nil {
		order = DefaultIdentifiers4
	}
	return AppendClientIdentifiers4(make([]Identifier, 0, len(order)), order, hw, clientID, circuitID, flexID)
}

// AppendClientIdentifiers4 is ClientIdentifiers4 appending to out (a
// packet worker reuses its slice from packet to packet).
func AppendClientIdentifiers4(out []Identifier, order []IdentifierType, hw, clientID, circuitID, flexID []byte) []Identifier {
	if order == nil {
		order = DefaultIdentifiers4
	}
	for _, t := range order {
		var v []byte
		switch t {
		case IdentHWAddr:
			v = hw
		case IdentDUID:
			if len(clientID) > 5 && clientID[0] == 255 {
				v = clientID[5:]
			}
		case IdentCircuitID:
			v = circuitID
		case IdentClientID:
			v = clientID
		case IdentFlexID:
			v = flexID
		}
		if len(v) > 0 {
			out = append(out, Identifier{Type: t, Value: v})
		}
	}
	return out
}

// Host is one reservation (Kea's Host) for DHCPv4.
type Host struct {
	IdentifierType IdentifierType
	Identifier     []byte
	// SubnetID is the subnet of the reservation; 0 for a global one.
	SubnetID uint32
	// IPv4 is the reserved address; invalid (the zero netip.Addr) when the
	// reservation reserves no address.
	IPv4          netip.Addr
	Hostname      string
	ClientClasses []string
	// NextServer, ServerHostname and BootFileName are set when the
	// reservation gives them (siaddr, sname, file).
	NextServer     config.Opt[string]
	ServerHostname config.Opt[string]
	BootFileName   config.Opt[string]
	// Options are the reservation's option-data entries, each with its
	// definition and wire payload already resolved by config.
	Options     []*config.OptionData
	UserContext *config.Node
	// Config is the configuration entry the host came from (nil for hosts
	// from other sources).
	Config *config.Reservation4
}

// HasIPv4 reports whether the host reserves an address.
func (h *Host) HasIPv4() bool { return h != nil && h.IPv4.IsValid() && !h.IPv4.IsUnspecified() }

// Matches reports whether the host is the one for one of the identifiers.
func (h *Host) Matches(ids []Identifier) bool {
	for _, id := range ids {
		if id.Type == h.IdentifierType && string(id.Value) == string(h.Identifier) {
			return true
		}
	}
	return false
}

// Label is Kea's text for the host's identifier ("hwaddr=...", "duid=...").
func (h *Host) Label() string {
	name := h.IdentifierType.String()
	if h.IdentifierType == IdentHWAddr {
		name = "hwaddr"
	}
	return name + "=" + strings.ToUpper(strings.ReplaceAll(FormatIdentifier(h.Identifier), ":", ""))
}

// Store4 finds DHCPv4 reservations. Hosts returned are shared and must not
// be modified. Implementations are safe for concurrent use.
type Store4 interface {
	// Get4 returns the host of a subnet (0: global) with this identifier,
	// or nil.
	Get4(subnetID uint32, t IdentifierType, id []byte) *Host
	// GetAll4 returns every host with this identifier, in any subnet.
	GetAll4(t IdentifierType, id []byte) []*Host
	// GetByAddress4 returns the hosts of a subnet reserving addr: at most
	// one unless ip-reservations-unique is false.
	GetByAddress4(subnetID uint32, addr netip.Addr) []*Host
}
