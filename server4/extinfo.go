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

// mergeExtendedInfo is Kea 2.6's updateLease4ExtendedInfo, in the form
// the ARM (dhcp4-srv.rst, "Storing Extended Lease Information") gives: the
// query's relay agent information option becomes the "relay-agent-info"
// map of the "ISC" entry of the lease's user context (the entry is
// replaced), with the whole
// option as a hexadecimal string in "sub-options" and, when present and
// not empty, the remote-id (sub-option 2) and relay-id (sub-option 12)
// data in hexadecimal without the 0x prefix. Other keys are kept. The
// text is Kea's (Element::str(), keys sorted as in its std::map):
//
//	{ "ISC": { "relay-agent-info": { "remote-id": "03010203", "sub-options": "0x0203010203" } } }
//
// Kea 2.2 wrote "relay-agent-info" as the bare hexadecimal string; that
// form is still read (storedAgentOption, lease.RelayIDs4) and upgraded
// when the lease file is loaded (lease.UpgradeExtendedInfo4).
func (w *worker) mergeExtendedInfo(old []byte) []byte {
	rai, ok := w.q.Get(dhcp4.OptionRelayAgentInformation)
	if !ok {
		return nil
	}
	const upper = "0123456789ABCDEF"
	hex := func(prefix string, b []byte) string {
		out := make([]byte, 0, len(prefix)+2*len(b))
		out = append(out, prefix...)
		for _, c := range b {
			out = append(out, upper[c>>4], upper[c&15])
		}
		return string(out)
	}
	info := kjson.NewMap()
	info.Set("sub-options", kjson.NewString(hex("0x", rai)))
	if v := subOption(rai, 2); len(v) > 0 {
		info.Set("remote-id", kjson.NewString(hex("", v)))
	}
	if v := subOption(rai, 12); len(v) > 0 {
		info.Set("relay-id", kjson.NewString(hex("", v)))
	}
	info.SortKeys()
	root := kjson.NewMap()
	if len(bytes.TrimSpace(old)) > 0 {
		r, _, err := kjson.ParseBytes("user-context", old, kjson.Options{DisableIncludes: true})
		if err == nil && r.Kind() == kjson.Map {
			root = r
		}
	}
	// The ISC entry is Kea's: it is replaced, as Kea 2.2 does (checked
	// by TestDifferentialKea22Features after a lease4-update).
	isc := kjson.NewMap()
	isc.Set("relay-agent-info", info)
	root.Set("ISC", isc)
	root.SortKeys()
	b := []byte(root.String())
	if bytes.Equal(b, old) {
		return old
	}
	return b
}

// subOption returns the data of the first sub-option code of an option 82
// payload, nil when absent.
func subOption(rai []byte, code byte) []byte {
	for len(rai) >= 2 && len(rai) >= 2+int(rai[1]) {
		if rai[0] == code {
			return rai[2 : 2+int(rai[1])]
		}
		rai = rai[2+int(rai[1]):]
	}
	return nil
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
