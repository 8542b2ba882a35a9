package dhcp6

import "fmt"

// Test summaries of a decoded packet: the fields a golden table checks,
// in a form go-cmp diffs readably.

type relaySum struct {
	Type       string
	Hop        uint8
	Link, Peer string
	Codes      []OptionCode
	IfaceID    string
}

type iaSum struct {
	Code         OptionCode
	IAID, T1, T2 uint32
	Addrs        []string // "addr pref valid"
	Prefixes     []string // "prefix pref valid"
	Status       string
}

type pktSum struct {
	Relays   []relaySum
	Type     string
	XID      uint32
	ClientID string
	DUIDType DUIDType
	ServerID string
	ORO      []OptionCode
	IAs      []iaSum
	Codes    []OptionCode
}

func summarize(p *Packet) (pktSum, error) {
	s := pktSum{Type: p.MsgType.String(), XID: p.TransactionID}
	for i := range p.Relays {
		r := &p.Relays[i]
		rs := relaySum{Type: r.MsgType.String(), Hop: r.HopCount, Link: r.LinkAddr.String(), Peer: r.PeerAddr.String()}
		for _, o := range r.Options {
			rs.Codes = append(rs.Codes, o.Code)
		}
		if id, ok := r.InterfaceID(); ok {
			rs.IfaceID = string(id)
		}
		s.Relays = append(s.Relays, rs)
	}
	if d, ok := p.ClientID(); ok {
		s.ClientID = d.String()
		s.DUIDType = d.Type()
	}
	if d, ok := p.ServerID(); ok {
		s.ServerID = d.String()
	}
	oro, err := p.ORO()
	if err != nil {
		return s, err
	}
	for i := 0; i < oro.Len(); i++ {
		s.ORO = append(s.ORO, oro.At(i))
	}
	for _, o := range p.Options {
		s.Codes = append(s.Codes, o.Code)
		switch o.Code {
		case OptIANA, OptIAPD, OptIATA:
			ias, err := summarizeIA(o)
			if err != nil {
				return s, err
			}
			s.IAs = append(s.IAs, ias)
		}
	}
	return s, nil
}

func summarizeIA(o Option) (iaSum, error) {
	var ia IA
	var err error
	if o.Code == OptIATA {
		ia, err = ParseIATA(o.Data)
	} else {
		ia, err = ParseIA(o.Data)
	}
	if err != nil {
		return iaSum{}, err
	}
	s := iaSum{Code: o.Code, IAID: ia.IAID, T1: ia.T1, T2: ia.T2}
	it := ia.Options.Iter()
	for it.Next() {
		in := it.Option()
		switch in.Code {
		case OptIAAddr:
			a, err := ParseIAAddr(in.Data)
			if err != nil {
				return s, err
			}
			s.Addrs = append(s.Addrs, fmt.Sprintf("%s %d %d", a.Addr, a.Preferred, a.Valid))
		case OptIAPrefix:
			p, err := ParseIAPrefix(in.Data)
			if err != nil {
				return s, err
			}
			s.Prefixes = append(s.Prefixes, fmt.Sprintf("%s %d %d", p.Prefix, p.Preferred, p.Valid))
		case OptStatusCode:
			st, err := ParseStatus(in.Data)
			if err != nil {
				return s, err
			}
			s.Status = fmt.Sprintf("%s %q", st.Code, st.Message)
		}
	}
	return s, it.Err()
}
