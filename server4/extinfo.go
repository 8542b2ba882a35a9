package server4

import (
	"encoding/json"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/lease"
)

// extendedInfo is the lease user context store-extended-info asks for
// (Kea 2.2's updateLease4ExtendedInfo): the query's relay agent
// information option as a hexadecimal string under ISC/relay-agent-info,
// written in Kea's JSON text form:
//
//	{ "ISC": { "relay-agent-info": "0x0103702D31" } }
//
// It returns nil (the lease keeps its user context) when the subnet does
// not store extended info or the query has no option 82.
func (w *worker) extendedInfo(sn *subnet4) []byte {
	if sn == nil || !sn.cfg.Eff.StoreExtendedInfo {
		return nil
	}
	rai, ok := w.q.Get(dhcp4.OptionRelayAgentInformation)
	if !ok {
		return nil
	}
	const upper = "0123456789ABCDEF"
	b := make([]byte, 0, 40+2*len(rai))
	b = append(b, `{ "ISC": { "relay-agent-info": "0x`...)
	for _, c := range rai {
		b = append(b, upper[c>>4], upper[c&15])
	}
	return append(b, `" } }`...)
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
