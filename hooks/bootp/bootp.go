// Package bootp is Kea's BOOTP hook library (libdhcp_bootp.so, open source
// since Kea 1.7): BOOTP requests (RFC 951 with the RFC 1497 vendor
// extensions) are answered by kea-dhcp4 as DHCPREQUESTs.
//
// At buffer4_receive the library decodes the query itself; a BOOTREQUEST
// without a dhcp-message-type option is put in the client class "BOOTP"
// and given the type DHCPREQUEST. The server then processes it as any
// REQUEST, except that the allocation engine gives members of BOOTP an
// infinite lease (and never an offer-lifetime). At pkt4_send the library
// removes the DHCP-specific options (RFC 1533 section 9: 50, 51, 52, 53,
// 54, 55, 56, 57, 58, 59, 61) from the reply to a BOOTP query, packs it and
// pads it with zeros to the 300-octet BOOTP minimum.
//
// The library takes no parameters and is multi-threading compatible, as in
// Kea.
package bootp

import (
	"errors"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/stats"
)

// Name is the library's Kea file name.
const Name = "libdhcp_bootp.so"

// Class is the client class of BOOTP queries.
const Class = "BOOTP"

// MinSize is the minimum length of a BOOTP message: the fixed header (236
// octets) and the 64-octet vendor area (RFC 951).
const MinSize = 236 + 64

// dhcpSpecific are the options RFC 1533 section 9 defines for DHCP only
// (those Kea names DHO_DHCP_*), removed from replies to BOOTP queries.
var dhcpSpecific = [...]uint8{
	dhcp4.OptionRequestedAddress,
	dhcp4.OptionLeaseTime,
	dhcp4.OptionOverload,
	dhcp4.OptionMessageType,
	dhcp4.OptionServerIdentifier,
	dhcp4.OptionParameterRequestList,
	dhcp4.OptionMessage,
	dhcp4.OptionMaxMessageSize,
	dhcp4.OptionRenewalTime,
	dhcp4.OptionRebindingTime,
	dhcp4.OptionClientIdentifier,
}

// errAlreadyPacked is returned when an earlier callout packed the reply
// (Kea throws InvalidOperation with this text).
var errAlreadyPacked = errors.New("packet pack already handled")

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
}

// Library is one loaded instance of the BOOTP library.
type Library struct {
	stats *stats.Registry
}

// statsProvider is what the library needs from the daemon to count the
// queries it fails to decode.
type statsProvider interface {
	Stats() *stats.Registry
}

// Load registers the buffer4_receive and pkt4_send callouts.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	if sp, ok := h.Services().(statsProvider); ok {
		l.stats = sp.Stats()
	}
	if err := h.RegisterCallout("buffer4_receive", l.buffer4Receive); err != nil {
		return err
	}
	return h.RegisterCallout("pkt4_send", l.pkt4Send)
}

// Unload releases nothing: the library keeps no packet.
func (l *Library) Unload() error { return nil }

// MultiThreadingCompatible: the callouts touch only their arguments.
func (l *Library) MultiThreadingCompatible() bool { return true }

// Daemons restricts the library to kea-dhcp4: there is no BOOTP for IPv6.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4"} }

// buffer4Receive decodes the query and turns a BOOTREQUEST without a
// message type into a DHCPREQUEST of class BOOTP. It sets the status to
// skip, so that the server does not decode the query a second time, or to
// drop when the query cannot be decoded (counted in pkt4-parse-failed and
// pkt4-receive-drop, as the server counts its own failures).
func (l *Library) buffer4Receive(h *hooks.CalloutHandle) error {
	if s := h.Status(); s == hooks.Drop || s == hooks.Skip {
		return nil
	}
	q, err := hooks.Get[*pkt.Pkt4](h, "query4")
	if err != nil || q == nil {
		return err
	}
	if err := q.Decode(q.Raw); err != nil && dhcp4.KindOf(err) != dhcp4.ErrTruncatedOption {
		if l.stats != nil {
			l.stats.AddInt("pkt4-parse-failed", 1)
			l.stats.AddInt("pkt4-receive-drop", 1)
		}
		h.SetStatus(hooks.Drop)
		return nil
	}
	if q.MessageType() == dhcp4.DHCP_NOTYPE && q.Op == dhcp4.BootRequest {
		q.Classes.Add(Class)
		q.SetMessageType(dhcp4.DHCPREQUEST)
	}
	h.SetStatus(hooks.Skip)
	return nil
}

// pkt4Send strips the DHCP-specific options from the reply to a BOOTP
// query, packs it, pads it to MinSize and sets the status to skip so that
// the server sends these bytes as they are.
func (l *Library) pkt4Send(h *hooks.CalloutHandle) error {
	if h.Status() == hooks.Drop {
		return nil
	}
	q, err := hooks.Get[*pkt.Pkt4](h, "query4")
	if err != nil || q == nil || !q.Classes.Has(Class) {
		return err
	}
	r, err := hooks.Get[*pkt.Pkt4](h, "response4")
	if err != nil || r == nil {
		return err
	}
	if h.Status() == hooks.Skip {
		return errAlreadyPacked
	}
	for _, c := range dhcpSpecific {
		r.Del(c)
	}
	r.SortKea()
	b, err := r.AppendTo(nil)
	if err != nil {
		return err
	}
	for len(b) < MinSize {
		b = append(b, 0)
	}
	r.Raw = b
	h.SetStatus(hooks.Skip)
	return nil
}
