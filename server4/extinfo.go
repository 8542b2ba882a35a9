package server4

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/nestordhcp/nestor/config/kjson"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/lease"
)

// extendedInfo returns the allocation engine's ExtendedInfo function when
// store-extended-info applies to the subnet and the query has option 82,
// else nil (the lease keeps its user context).
func (w *worker) extendedInfo(sn *subnet4) func([]byte) []byte {
	if sn == nil || !sn.cfg.Eff.StoreExtendedInfo || !w.q.Has(dhcp4.OptionRelayAgentInformation) {
		return nil
	}
	return w.extInfo
}

// mergeExtendedInfo is Kea 2.2's updateLease4ExtendedInfo: the query's
// relay agent information option, as a hexadecimal string, becomes the
// "ISC" entry of the lease's user context; other keys are kept. The text
// is Kea's (Element::str(), keys sorted as in its std::map):
//
//	{ "ISC": { "relay-agent-info": "0x0103702D31" } }
func (w *worker) mergeExtendedInfo(old []byte) []byte {
	rai, ok := w.q.Get(dhcp4.OptionRelayAgentInformation)
	if !ok {
		return nil
	}
	const upper = "0123456789ABCDEF"
	hex := make([]byte, 0, 2+2*len(rai))
	hex = append(hex, "0x"...)
	for _, c := range rai {
		hex = append(hex, upper[c>>4], upper[c&15])
	}
	b := make([]byte, 0, 40+len(hex))
	b = append(b, `{ "ISC": { "relay-agent-info": "`...)
	b = append(b, hex...)
	b = append(b, `" } }`...)
	if len(bytes.TrimSpace(old)) > 0 && !bytes.Equal(old, b) {
		root, _, err := kjson.ParseBytes("user-context", old, kjson.Options{DisableIncludes: true})
		if err == nil && root.Kind() == kjson.Map {
			isc := kjson.NewMap()
			isc.Set("relay-agent-info", kjson.NewString(string(hex)))
			root.Set("ISC", isc)
			root.SortKeys()
			return []byte(root.String())
		}
	}
	return b
}

// recoverStashedAgentOption is Kea 2.6's stash-agent-options recovery:
// for a DHCPREQUEST sent directly by a client in the RENEWING state
// (ciaddr set, giaddr zero) without a relay agent information option (or
// with an empty one), the option 82 stored in the extended info of the
// client's unexpired lease of ciaddr is put in the query, so that
// classification, host identifiers and subnet selection see it as they
// did when the relay forwarded the client's earlier queries. Both the
// Kea 2.2 form of the stored option (a hexadecimal string) and the 2.6
// form (a map with "sub-options") are read.
func (w *worker) recoverStashedAgentOption() {
	q := &w.q
	if q.CIAddr.IsZero() || !q.GIAddr.IsZero() || q.MessageType() != dhcp4.DHCPREQUEST {
		return
	}
	if rai, ok := q.Get(dhcp4.OptionRelayAgentInformation); ok && len(rai) > 0 {
		return
	}
	l, err := w.srv.store.Lease4(q.CIAddr.Addr())
	if err != nil || l == nil || l.Expired(time.Now().Unix()) || len(l.UserContext) == 0 {
		return
	}
	rai := storedAgentOption(l.UserContext)
	if len(rai) == 0 || !validSubOptions(rai) {
		return
	}
	if !l.BelongsTo(q.HWAddr(), q.ClientID()) {
		return
	}
	q.Set(dhcp4.OptionRelayAgentInformation, rai)
}

// storedAgentOption returns the option 82 payload kept in a lease's user
// context by store-extended-info, in either of Kea's forms.
func storedAgentOption(userContext []byte) []byte {
	var c struct {
		ISC *struct {
			RAI json.RawMessage `json:"relay-agent-info"`
		} `json:"ISC"`
	}
	if json.Unmarshal(userContext, &c) != nil || c.ISC == nil || len(c.ISC.RAI) == 0 {
		return nil
	}
	var s string
	if json.Unmarshal(c.ISC.RAI, &s) != nil {
		var m struct {
			SubOptions string `json:"sub-options"`
		}
		if json.Unmarshal(c.ISC.RAI, &m) != nil {
			return nil
		}
		s = m.SubOptions
	}
	b, err := lease.ParseHex(s)
	if err != nil {
		return nil
	}
	return b
}

// validSubOptions reports whether b is a well-formed, non-empty list of
// sub-options (code, length, data).
func validSubOptions(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return false
		}
		b = b[2+int(b[1]):]
	}
	return true
}
