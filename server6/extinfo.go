package server6

import (
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
	"github.com/nestordhcp/nestor/dhcp6"
)

// extendedInfo returns the allocation engine's ExtendedInfo function for
// a relayed query, else nil: with store-extended-info on in the subnet
// the engine works in, the relay information of the query becomes the
// lease's extended info (extendedInfo6).
func (w *worker) extendedInfo() func([]byte) []byte {
	if len(w.q.Relays) == 0 {
		return nil
	}
	if w.extInfoFn == nil {
		w.extInfoFn = func(old []byte) []byte {
			if sn := w.actx.Subnet; sn == nil || !sn.Eff.StoreExtendedInfo {
				return nil
			}
			return extendedInfo6(&w.q.Packet, old)
		}
	}
	return w.extInfoFn
}

// extendedInfo6 is Kea's updateLease6ExtendedInfo in the form of Kea
// 2.6's ARM (store-extended-info-v6): the "relay-info" entry of the
// lease's "ISC" user context lists the query's relays, outermost first,
// each with its hop count, link and peer addresses, its options but
// RELAY_MSG as "0x" and hexadecimal digits when it has some, and the
// data of its RELAY_ID (53) and REMOTE_ID (37) options. Other keys of
// the user context are kept; Kea before 2.3.2's "relays" entry goes.
// The text is Kea's Element::str(), keys sorted.
func extendedInfo6(q *dhcp6.Packet, old []byte) []byte {
	relays := kjson.NewList()
	for i := range q.Relays {
		r := &q.Relays[i]
		m := kjson.NewMap()
		m.Set("hop", kjson.NewInt(int64(r.HopCount)))
		m.Set("link", kjson.NewString(addrText(r.LinkAddr)))
		m.Set("peer", kjson.NewString(addrText(r.PeerAddr)))
		var opts []byte
		for _, o := range r.Options {
			if o.Code == dhcp6.OptRelayMsg {
				continue
			}
			opts = append(opts, byte(o.Code>>8), byte(o.Code), byte(len(o.Data)>>8), byte(len(o.Data)))
			opts = append(opts, o.Data...)
			switch o.Code {
			case dhcp6.OptRemoteID:
				if len(o.Data) > 0 {
					m.Set("remote-id", kjson.NewString(upperHex(o.Data)))
				}
			case dhcp6.OptRelayID:
				if len(o.Data) > 0 {
					m.Set("relay-id", kjson.NewString(upperHex(o.Data)))
				}
			}
		}
		if len(opts) > 0 {
			m.Set("options", kjson.NewString("0x"+upperHex(opts)))
		}
		m.SortKeys()
		relays.Append(m)
	}
	var root *kjson.Element
	if len(strings.TrimSpace(string(old))) > 0 {
		if e, _, err := kjson.ParseBytes("user-context", old, kjson.Options{DisableIncludes: true}); err == nil && e.Kind() == kjson.Map {
			root = e
		}
	}
	if root == nil {
		root = kjson.NewMap()
	}
	isc := root.Get("ISC")
	if isc == nil || isc.Kind() != kjson.Map {
		isc = kjson.NewMap()
	}
	isc.Remove("relays")
	isc.Set("relay-info", relays)
	isc.SortKeys()
	root.Set("ISC", isc)
	root.SortKeys()
	return []byte(root.String())
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return "::"
	}
	return a.String()
}

func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
