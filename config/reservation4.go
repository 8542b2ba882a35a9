package config

import (
	"encoding/hex"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/option"
)

var hostIdentifierNames = []string{"hw-address", "duid", "circuit-id", "client-id", "flex-id"}

// readReservations4 reads a reservations list: global (s nil) or of a
// subnet.
func (d *decoder) readReservations4(l *Node, s *Subnet4, defs *option.DefSet) []*Reservation4 {
	var out []*Reservation4
	for _, it := range l.Items {
		h := d.readReservation4(it, s, defs)
		if h == nil {
			return nil
		}
		for _, prev := range out {
			if prev.IdentifierType == h.IdentifierType && string(prev.IdentifierBytes) == string(h.IdentifierBytes) {
				d.fail(duplicateHostError(h.IdentifierType, h.IdentifierBytes, 4, subnetID(s)))
				return nil
			}
		}
		out = append(out, h)
	}
	return out
}

func subnetID(s *Subnet4) uint32 {
	if s == nil {
		return 0
	}
	return s.ID
}

// hostLabel is how Kea names a host in CfgHosts errors.
func hostLabel(h *Reservation4) string { return hostLabelFor(h.IdentifierType, h.IdentifierBytes) }

func (d *decoder) readReservation4(it *Node, s *Subnet4, defs *option.DefSet) *Reservation4 {
	r := newReader(it)
	h := &Reservation4{pos: it.Pos()}
	typ, val, ok := d.findIdentifier(it, hostIdentifierNames)
	if !ok {
		return nil
	}
	h.IdentifierType, h.Identifier = typ, val
	b, ok := parseIdentifier(h.Identifier)
	if !ok || len(b) == 0 {
		d.fail(cfgErr(it.Pos(), "invalid host identifier value '%s'", h.Identifier))
		return nil
	}
	h.IdentifierBytes = b
	var ip, hostname Opt[string]
	r.str("ip-address", &ip)
	r.str("hostname", &hostname)
	h.Hostname = hostname.V
	h.ClientClasses = r.strings("client-classes")
	r.str("next-server", &h.NextServer)
	r.str("server-hostname", &h.ServerHostname)
	r.str("boot-file-name", &h.BootFileName)
	h.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if ip.Set {
		a, err := netip.ParseAddr(ip.V)
		if err != nil || !a.Is4() {
			d.fail(cfgErr(r.pos("ip-address"), "Failed to convert string to address '%s': Invalid argument", ip.V))
			return nil
		}
		h.IPAddress = Some(a)
		if s != nil && !s.Prefix.Masked().Contains(a) {
			d.fail(cfgErr(Pos{}, "specified reservation '%s' is not within the IPv4 subnet '%s'", ip.V, s.Text))
			return nil
		}
	}
	if h.NextServer.Set && h.NextServer.V != "" && !validAddr(h.NextServer.V, 4) {
		d.fail(cfgErr(r.pos("next-server"), "next-server '%s' is not a valid IPv4 address", h.NextServer.V))
		return nil
	}
	if len(h.ServerHostname.V) > 63 {
		d.fail(cfgErr(r.pos("server-hostname"), "server-hostname must be at most 63 bytes long, it is %d", len(h.ServerHostname.V)))
		return nil
	}
	if len(h.BootFileName.V) > 127 {
		d.fail(cfgErr(r.pos("boot-file-name"), "boot-file-name must be at most 127 bytes long, it is %d", len(h.BootFileName.V)))
		return nil
	}
	h.OptionData = d.readOptionDataList(r)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	d.resolveOptions(h.OptionData, defs)
	if d.failed() {
		return nil
	}
	if h.Hostname == "" && !h.IPAddress.Set && len(h.OptionData) == 0 && len(h.ClientClasses) == 0 &&
		h.NextServer.V == "" && h.ServerHostname.V == "" && h.BootFileName.V == "" {
		d.fail(noResourceError(h.IdentifierType, h.IdentifierBytes))
		return nil
	}
	return h
}

// parseIdentifier reads a host identifier: hex bytes separated by colons
// (or none), or a quoted string 'text'.
func parseIdentifier(s string) ([]byte, bool) {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return []byte(s[1 : len(s)-1]), len(s) > 2
	}
	t := s
	if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		t = t[2:]
	}
	if strings.ContainsAny(t, ": ") {
		var out []byte
		for _, p := range strings.FieldsFunc(t, func(r rune) bool { return r == ':' || r == ' ' }) {
			if len(p) == 1 {
				p = "0" + p
			}
			if len(p) != 2 {
				return nil, false
			}
			b, err := hex.DecodeString(p)
			if err != nil {
				return nil, false
			}
			out = append(out, b...)
		}
		return out, true
	}
	if len(t)%2 == 1 {
		t = "0" + t
	}
	b, err := hex.DecodeString(t)
	return b, err == nil
}
