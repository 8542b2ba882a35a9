package dhcp6

// walkPacket visits every option at every level through the typed views,
// returning how many it saw. It is shared by the golden tests and the
// container fuzz target.
func walkPacket(p *Packet) (int, error) {
	n := 0
	for i := range p.Relays {
		r := &p.Relays[i]
		for _, o := range r.Options {
			k, err := walkOption(o, 0)
			n += k
			if err != nil {
				return n, err
			}
		}
		if _, _, err := r.RemoteID(); err != nil {
			return n, err
		}
		if _, _, err := r.SourcePort(); err != nil {
			return n, err
		}
	}
	for _, o := range p.Options {
		k, err := walkOption(o, 0)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// walkOption parses o with its typed view and recurses into containers.
func walkOption(o Option, depth int) (int, error) {
	if depth > 8 {
		return 1, nil
	}
	var inner View
	switch o.Code {
	case OptIANA, OptIAPD:
		ia, err := ParseIA(o.Data)
		if err != nil {
			return 1, err
		}
		inner = ia.Options
	case OptIATA:
		ia, err := ParseIATA(o.Data)
		if err != nil {
			return 1, err
		}
		inner = ia.Options
	case OptIAAddr:
		a, err := ParseIAAddr(o.Data)
		if err != nil {
			return 1, err
		}
		inner = a.Options
	case OptIAPrefix:
		p, err := ParseIAPrefix(o.Data)
		if err != nil {
			return 1, err
		}
		inner = p.Options
	case OptVendorOpts:
		v, err := ParseVendorOpts(o.Data)
		if err != nil {
			return 1, err
		}
		n, err := v.Options.Len()
		return 1 + n, err
	case OptStatusCode:
		_, err := ParseStatus(o.Data)
		return 1, err
	case OptORO:
		_, err := ParseORO(o.Data)
		return 1, err
	case OptElapsedTime:
		_, err := ParseElapsedTime(o.Data)
		return 1, err
	case OptPreference:
		_, err := ParsePreference(o.Data)
		return 1, err
	case OptRapidCommit, OptReconfAccept:
		return 1, ParseEmpty(o.Data)
	case OptUserClass:
		_, err := ParseUserClass(o.Data)
		return 1, err
	case OptVendorClass:
		_, err := ParseVendorClass(o.Data)
		return 1, err
	case OptClientID, OptServerID:
		return 1, DUID(o.Data).Validate()
	case OptPDExclude:
		_, err := ParsePDExclude(o.Data)
		return 1, err
	case OptClientFQDN:
		_, err := ParseClientFQDN(o.Data)
		return 1, err
	case OptNameServers:
		_, err := ParseAddresses(o.Data)
		return 1, err
	default:
		return 1, nil
	}
	n := 1
	it := inner.Iter()
	for it.Next() {
		k, err := walkOption(it.Option(), depth+1)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, it.Err()
}
