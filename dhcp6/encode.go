package dhcp6

// AppendTo encodes p (its relay levels, then its message) and appends the
// result to dst. For a Packet filled by Decode and not modified since, the
// output equals the decoded bytes.
//
// The inner message goes into each relay level's last RELAY_MSG option (one
// is appended to a level that has none); other options are written as they
// are. It fails with KindEncode when a length would exceed 65535.
func (p *Packet) AppendTo(dst []byte) ([]byte, error) {
	var b Builder
	b.Reset(dst)
	for i := range p.Relays {
		r := &p.Relays[i]
		b.RelayHeader(r.MsgType, r.HopCount, r.LinkAddr, r.PeerAddr)
		m := r.relayMsgIndex()
		for j, o := range r.Options {
			if j == m {
				b.Open(OptRelayMsg)
				// The options after it are written once the inner
				// levels are done; see below.
				break
			}
			b.Add(o.Code, o.Data)
		}
		if m < 0 {
			b.Open(OptRelayMsg)
		}
	}
	b.Header(p.MsgType, p.TransactionID)
	for _, o := range p.Options {
		b.Add(o.Code, o.Data)
	}
	for i := len(p.Relays) - 1; i >= 0; i-- {
		b.Close()
		r := &p.Relays[i]
		if m := r.relayMsgIndex(); m >= 0 {
			for _, o := range r.Options[m+1:] {
				b.Add(o.Code, o.Data)
			}
		}
	}
	return b.buf, b.err
}
