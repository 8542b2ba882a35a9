package lease

import "encoding/json"

// Extended information: with store-extended-info, Kea keeps the relay
// agent data of the last exchange in the lease's user context under the
// "ISC" key. DHCPv4 (Kea 2.6):
//
//	{"ISC": {"relay-agent-info": {"sub-options": "0x...", "remote-id": "HEX", "relay-id": "HEX"}}}
//
// where Kea before 2.3 stored "relay-agent-info" as the bare "0x..." string.
// DHCPv6: {"ISC": {"relay-info": [{"hop": 0, "link": "...", "peer": "...",
// "options": "0x...", "remote-id": "HEX", "relay-id": "HEX"}, ...]}}, with
// "relays" as the pre-2.3 name. These helpers read both forms; they never
// change the stored text, which is kept as the client wrote it.

type iscContext struct {
	ISC *struct {
		RelayAgentInfo json.RawMessage `json:"relay-agent-info"`
		RelayInfo      []relayEntry    `json:"relay-info"`
		Relays         []relayEntry    `json:"relays"`
	} `json:"ISC"`
}

type relayEntry struct {
	RemoteID string `json:"remote-id"`
	RelayID  string `json:"relay-id"`
}

// RelayIDs4 returns the relay-id and remote-id Kea stored in a DHCPv4
// lease's user context (nil when absent or in the old string form).
func RelayIDs4(userContext json.RawMessage) (relayID, remoteID []byte) {
	var c iscContext
	if len(userContext) == 0 || json.Unmarshal(userContext, &c) != nil || c.ISC == nil {
		return nil, nil
	}
	var rai relayEntry
	if json.Unmarshal(c.ISC.RelayAgentInfo, &rai) != nil {
		return nil, nil
	}
	relayID, _ = ParseHex(rai.RelayID)
	remoteID, _ = ParseHex(rai.RemoteID)
	return relayID, remoteID
}

// RelayIDs6 returns the relay-id and remote-id of every relay recorded in
// a DHCPv6 lease's user context, outermost relay last as Kea stores them.
func RelayIDs6(userContext json.RawMessage) (relayIDs, remoteIDs [][]byte) {
	var c iscContext
	if len(userContext) == 0 || json.Unmarshal(userContext, &c) != nil || c.ISC == nil {
		return nil, nil
	}
	relays := c.ISC.RelayInfo
	if relays == nil {
		relays = c.ISC.Relays
	}
	for _, r := range relays {
		if b, err := ParseHex(r.RelayID); err == nil && len(b) > 0 {
			relayIDs = append(relayIDs, b)
		}
		if b, err := ParseHex(r.RemoteID); err == nil && len(b) > 0 {
			remoteIDs = append(remoteIDs, b)
		}
	}
	return relayIDs, remoteIDs
}
