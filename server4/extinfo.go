package server4

import (
	"github.com/nestordhcp/nestor/dhcp4"
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
