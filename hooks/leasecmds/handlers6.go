package leasecmds

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

func added6Text(nl *lease.Lease6) string {
	if nl.Type == lease.TypeNA {
		return fmt.Sprintf("Lease for address %s, subnet-id %d added.", nl.Addr, nl.SubnetID)
	}
	return fmt.Sprintf("Lease for prefix %s/%d, subnet-id %d added.", nl.Addr, nl.PrefixLen, nl.SubnetID)
}

// lease6-add
func (l *Library) lease6Add(c *command) answer {
	if c.args == nil {
		return errorAnswer(errors.New("no parameters specified for the command"))
	}
	nl, _, err := parseLease6(l.config6(), c.args, l.now())
	if err != nil {
		return errorAnswer(err)
	}
	if err := checkStorable6(nl); err != nil {
		return errorAnswer(err)
	}
	if err := l.store6().AddLease6(nl); err != nil {
		if errors.Is(err, lease.ErrExists) {
			return errorAnswer(errors.New("IPv6 lease already exists."))
		}
		return errorAnswer(err)
	}
	l.mover().onAdd6(nl)
	return answer{text: added6Text(nl)}
}

// addOrUpdate6 is LeaseCmdsImpl::addOrUpdate6: it reports whether the
// lease was added.
func (l *Library) addOrUpdate6(nl *lease.Lease6, force bool) (bool, error) {
	st := l.store6()
	old, err := st.Lease6(nl.Type, nl.Addr)
	if err != nil && !errors.Is(err, lease.ErrNotFound) {
		return false, err
	}
	if old == nil && force {
		if err := checkStorable6(nl); err != nil {
			return false, err
		}
		if err := st.AddLease6(nl); err != nil {
			if errors.Is(err, lease.ErrExists) {
				return false, errors.New("lost race between calls to get and add")
			}
			return false, err
		}
		l.mover().onAdd6(nl)
		return true, nil
	}
	if old == nil {
		return false, updateFailed(nl.Addr)
	}
	if err := checkStorable6(nl); err != nil {
		return false, err
	}
	if err := update6(st, nl, old); err != nil {
		if errors.Is(err, lease.ErrNotFound) {
			return false, updateFailed(nl.Addr)
		}
		return false, err
	}
	l.mover().onUpdate6(old, nl)
	return false, nil
}

// lease6-update
func (l *Library) lease6Update(c *command) answer {
	if c.args == nil {
		return errorAnswer(errors.New("no parameters specified for lease6-update command"))
	}
	nl, force, err := parseLease6(l.config6(), c.args, l.now())
	if err != nil {
		return errorAnswer(err)
	}
	added, err := l.addOrUpdate6(nl, force)
	switch {
	case err != nil:
		return errorAnswer(err)
	case added:
		return answer{text: "IPv6 lease added."}
	}
	return answer{text: "IPv6 lease updated."}
}

// lookup6 finds the lease lease6-get and lease6-del name (nil if none).
func (l *Library) lookup6(p queryParams, verb string) (*lease.Lease6, error) {
	st := l.store6()
	switch p.kind {
	case queryAddr:
		found, err := st.Lease6(p.leaseType, p.addr)
		if errors.Is(err, lease.ErrNotFound) {
			return nil, nil
		}
		return found, err
	case queryHWAddr:
		return nil, fmt.Errorf("%s by hw-address is not allowed in v6.", verb)
	case queryDUID:
		ls, err := st.Leases6ByDUIDIAIDSubnet(p.leaseType, p.duid, p.iaid, p.subnetID)
		switch {
		case err != nil:
			return nil, err
		case len(ls) > 1:
			return nil, fmt.Errorf("More than one lease found for type %d, duid %s, iaid %d and subnet-id %d",
				p.leaseType, lease.FormatHex(p.duid), p.iaid, p.subnetID)
		case len(ls) == 1:
			return ls[0], nil
		}
		return nil, nil
	case queryClientID:
		if verb == "Query" {
			return nil, errors.New("Query by client-id is not allowed in v6.")
		}
	}
	return nil, fmt.Errorf("Unknown query type: %d", p.kind)
}

// lease6-get
func (l *Library) lease6Get(c *command) answer {
	p, err := parseQuery(true, c.args)
	if err != nil {
		return errorAnswer(err)
	}
	found, err := l.lookup6(p, "Query")
	if err != nil {
		return errorAnswer(err)
	}
	if found == nil {
		return answer{code: hooks.ResultEmpty, text: "Lease not found."}
	}
	return answer{text: "IPv6 lease found.", args: appendLease6(nil, found)}
}

// lease6-del
func (l *Library) lease6Del(c *command) answer {
	p, err := parseQuery(true, c.args)
	if err != nil {
		return errorAnswer(err)
	}
	found, err := l.lookup6(p, "Delete")
	if err != nil {
		return errorAnswer(err)
	}
	if found == nil {
		return answer{code: hooks.ResultEmpty, text: "IPv6 lease not found."}
	}
	a := answer{text: "IPv6 lease deleted."}
	switch err := delete6(l.store6(), found); {
	case errors.Is(err, lease.ErrNotFound):
		a = answer{code: hooks.ResultEmpty, text: "IPv6 lease not found."}
	case err != nil:
		return errorAnswer(err)
	default:
		l.mover().onDelete6(found)
	}
	if p.updateDDNS {
		l.queueNCR6(true, found)
	}
	return a
}

// lease6-get-all
func (l *Library) lease6GetAll(c *command) answer {
	st := l.store6()
	var all []*lease.Lease6
	if c.args == nil {
		ls, err := sorted6(st.AllLeases6())
		if err != nil {
			return errorAnswer(err)
		}
		all = ls
	} else {
		ids, err := subnetList(c.args)
		if err != nil {
			return errorAnswer(err)
		}
		for _, id := range ids {
			if id.Kind() != ctrl.Int {
				return errorAnswer(errors.New("listed subnet identifiers must be numbers"))
			}
			n, _ := id.IntValue()
			ls, err := sorted6(st.Leases6BySubnet(uint32(n)))
			if err != nil {
				return errorAnswer(err)
			}
			all = append(all, ls...)
		}
	}
	return leases6Answer(all, nil)
}

func leases6Answer(ls []*lease.Lease6, err error) answer {
	if err != nil {
		return errorAnswer(err)
	}
	return answer{code: found(len(ls)), text: fmt.Sprintf("%d IPv6 lease(s) found.", len(ls)), args: leasesArgs6(ls, false)}
}

// lease6-get-page
func (l *Library) lease6GetPage(c *command) answer {
	from, limit, err := pageParams(c, true)
	if err != nil {
		return errorAnswer(err)
	}
	ls, err := sorted6(l.store6().Leases6Page(from, limit))
	if err != nil {
		return errorAnswer(err)
	}
	return answer{code: found(len(ls)), text: fmt.Sprintf("%d IPv6 lease(s) found.", len(ls)), args: leasesArgs6(ls, true)}
}

// lease6-get-by-duid
func (l *Library) lease6GetByDUID(c *command) answer {
	s, err := byParam(c, "duid")
	if err != nil {
		return errorAnswer(err)
	}
	duid, err := parseDUID(s)
	if err != nil {
		return errorAnswer(err)
	}
	return leases6Answer(sorted6(l.store6().Leases6ByDUID(duid)))
}

// lease6-get-by-hostname
func (l *Library) lease6GetByHostname(c *command) answer {
	h, err := hostnameParam(c)
	if err != nil {
		return errorAnswer(err)
	}
	return leases6Answer(sorted6(l.store6().Leases6ByHostname(h)))
}

// lease6-wipe
func (l *Library) lease6Wipe(c *command) answer {
	id, err := wipeSubnetID(c)
	if err != nil {
		return errorAnswer(err)
	}
	st, m := l.store6(), l.mover()
	var ids []uint32
	if id != 0 {
		ids = []uint32{id}
	} else if cfg := l.config6(); cfg != nil {
		for _, s := range cfg.AllSubnets {
			ids = append(ids, s.ID)
		}
	}
	num := 0
	var text strings.Builder
	for _, sid := range ids {
		n, err := st.WipeLeases6(sid)
		if err != nil {
			return errorAnswer(err)
		}
		num += n
		fmt.Fprintf(&text, " %d", sid)
		m.wiped6(sid)
	}
	if id == 0 {
		m.set("declined-addresses", 0)
	}
	return answer{code: found(num), text: fmt.Sprintf("Deleted %d IPv6 lease(s) from subnet(s)%s", num, text.String())}
}
