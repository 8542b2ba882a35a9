package leasecmds

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

func (l *Library) mover() statsMover {
	return statsMover{r: l.stats(), cfg4: l.config4(), cfg6: l.config6()}
}

func found(n int) int {
	if n > 0 {
		return hooks.ResultSuccess
	}
	return hooks.ResultEmpty
}

// lease4-add
func (l *Library) lease4Add(c *command) answer {
	if c.args == nil {
		return errorAnswer(errors.New("no parameters specified for the command"))
	}
	nl, _, err := parseLease4(l.config4(), c.args, l.now())
	if err != nil {
		return errorAnswer(err)
	}
	if err := checkStorable4(nl); err != nil {
		return errorAnswer(err)
	}
	if err := l.store4().AddLease4(nl); err != nil {
		if errors.Is(err, lease.ErrExists) {
			return errorAnswer(errors.New("IPv4 lease already exists."))
		}
		return errorAnswer(err)
	}
	l.mover().onAdd4(nl)
	return answer{text: fmt.Sprintf("Lease for address %s, subnet-id %d added.", nl.Addr, nl.SubnetID)}
}

// lease4-update: a full replacement, or a creation with force-create.
func (l *Library) lease4Update(c *command) answer {
	if c.args == nil {
		return errorAnswer(errors.New("no parameters specified for lease4-update command"))
	}
	nl, force, err := parseLease4(l.config4(), c.args, l.now())
	if err != nil {
		return errorAnswer(err)
	}
	st := l.store4()
	old, err := st.Lease4(nl.Addr)
	if err != nil && !errors.Is(err, lease.ErrNotFound) {
		return errorAnswer(err)
	}
	if old == nil && force {
		if err := checkStorable4(nl); err != nil {
			return errorAnswer(err)
		}
		if err := st.AddLease4(nl); err != nil {
			if errors.Is(err, lease.ErrExists) {
				return errorAnswer(errors.New("lost race between calls to get and add"))
			}
			return errorAnswer(err)
		}
		l.mover().onAdd4(nl)
		return answer{text: "IPv4 lease added."}
	}
	if old == nil {
		return errorAnswer(updateFailed(nl.Addr))
	}
	if err := checkStorable4(nl); err != nil {
		return errorAnswer(err)
	}
	if err := update4(st, nl, old); err != nil {
		if errors.Is(err, lease.ErrNotFound) {
			return errorAnswer(updateFailed(nl.Addr))
		}
		return errorAnswer(err)
	}
	l.mover().onUpdate4(old, nl)
	return answer{text: "IPv4 lease updated."}
}

func updateFailed(a netip.Addr) error {
	return fmt.Errorf("failed to update the lease with address %s either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed", a)
}

// lookup4 finds the lease lease4-get and lease4-del name (nil if none).
func (l *Library) lookup4(p queryParams, verb string) (*lease.Lease4, error) {
	st := l.store4()
	var (
		found *lease.Lease4
		err   error
	)
	switch p.kind {
	case queryAddr:
		if !p.addr.Is4() {
			return nil, nil
		}
		found, err = st.Lease4(p.addr)
	case queryHWAddr:
		found, err = st.Lease4ByHWAddrSubnet(p.hw.Bytes, p.subnetID)
	case queryClientID:
		found, err = st.Lease4ByClientIDSubnet(p.clientID, p.subnetID)
	case queryDUID:
		return nil, fmt.Errorf("%s by duid is not allowed in v4.", verb)
	}
	if errors.Is(err, lease.ErrNotFound) {
		return nil, nil
	}
	return found, err
}

// lease4-get
func (l *Library) lease4Get(c *command) answer {
	p, err := parseQuery(false, c.args)
	if err != nil {
		return errorAnswer(err)
	}
	found, err := l.lookup4(p, "Query")
	if err != nil {
		return errorAnswer(err)
	}
	if found == nil {
		return answer{code: hooks.ResultEmpty, text: "Lease not found."}
	}
	return answer{text: "IPv4 lease found.", args: appendLease4(nil, found)}
}

// lease4-del
func (l *Library) lease4Del(c *command) answer {
	p, err := parseQuery(false, c.args)
	if err != nil {
		return errorAnswer(err)
	}
	found, err := l.lookup4(p, "Delete")
	if err != nil {
		return errorAnswer(err)
	}
	if found == nil {
		return answer{code: hooks.ResultEmpty, text: "IPv4 lease not found."}
	}
	a := answer{text: "IPv4 lease deleted."}
	switch err := delete4(l.store4(), found); {
	case errors.Is(err, lease.ErrNotFound):
		a = answer{code: hooks.ResultEmpty, text: "IPv4 lease not found."}
	case err != nil:
		return errorAnswer(err)
	default:
		l.mover().onDelete4(found)
	}
	if p.updateDDNS {
		l.queueNCR4(true, found)
	}
	return a
}

// lease4-get-all
func (l *Library) lease4GetAll(c *command) answer {
	st := l.store4()
	var all []*lease.Lease4
	if c.args == nil {
		ls, err := sorted4(st.AllLeases4())
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
			ls, err := sorted4(st.Leases4BySubnet(uint32(n)))
			if err != nil {
				return errorAnswer(err)
			}
			all = append(all, ls...)
		}
	}
	return answer{code: found(len(all)), text: fmt.Sprintf("%d IPv4 lease(s) found.", len(all)), args: leasesArgs4(all, false)}
}

// subnetList reads "subnets" of lease*-get-all.
func subnetList(args *ctrl.Element) ([]*ctrl.Element, error) {
	v, err := args.Get("subnets")
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errors.New("'subnets' parameter not specified")
	}
	if v.Kind() != ctrl.List {
		return nil, errors.New("'subnets' parameter must be a list")
	}
	return v.Items(), nil
}

// pageParams reads "from" and "limit" of lease*-get-page.
func pageParams(c *command, v6 bool) (netip.Addr, int, error) {
	fam := "4"
	start := netip.IPv4Unspecified()
	if v6 {
		fam, start = "6", netip.IPv6Unspecified()
	}
	if c.args == nil {
		return start, 0, fmt.Errorf("no parameters specified for the %s command", c.name)
	}
	from, err := c.args.Get("from")
	if err != nil {
		return start, 0, err
	}
	if from == nil {
		return start, 0, errors.New("'from' parameter not specified")
	}
	if from.Kind() != ctrl.String {
		return start, 0, errors.New("'from' parameter must be a string")
	}
	s, _ := from.StringValue()
	if s != "start" {
		a, err := parseAddr(s)
		if err != nil {
			return start, 0, fmt.Errorf("'from' parameter value is neither 'start' keyword nor a valid IPv%s address", fam)
		}
		if a.Is4() == v6 {
			return start, 0, fmt.Errorf("'from' parameter value %s is not an IPv%s address", a, fam)
		}
		start = a
	}
	limit, _ := c.args.Get("limit")
	if limit == nil {
		return start, 0, errors.New("'limit' parameter not specified")
	}
	if limit.Kind() != ctrl.Int {
		return start, 0, errors.New("'limit' parameter must be a number")
	}
	n, _ := limit.IntValue()
	size := uint64(n)
	switch {
	case size == 0:
		return start, 0, errors.New("page size of retrieved leases must not be 0")
	case size > 1<<32-1:
		return start, 0, errors.New("page size of retrieved leases must not be greater than 4294967295")
	}
	return start, int(size), nil
}

// lease4-get-page
func (l *Library) lease4GetPage(c *command) answer {
	from, limit, err := pageParams(c, false)
	if err != nil {
		return errorAnswer(err)
	}
	ls, err := sorted4(l.store4().Leases4Page(from, limit))
	if err != nil {
		return errorAnswer(err)
	}
	return answer{code: found(len(ls)), text: fmt.Sprintf("%d IPv4 lease(s) found.", len(ls)), args: leasesArgs4(ls, true)}
}

// byParam reads the single string parameter of the lease*-get-by-*
// commands.
func byParam(c *command, name string) (string, error) {
	if c.args == nil || c.args.Kind() != ctrl.Map {
		return "", errors.New("Command arguments missing or a not a map.")
	}
	v, _ := c.args.Get(name)
	if v == nil {
		return "", fmt.Errorf("'%s' parameter not specified", name)
	}
	if v.Kind() != ctrl.String {
		return "", fmt.Errorf("'%s' parameter must be a string", name)
	}
	return v.StringValue()
}

func hostnameParam(c *command) (string, error) {
	h, err := byParam(c, "hostname")
	if err == nil && h == "" {
		err = errors.New("'hostname' parameter is empty")
	}
	return lowerASCII(h), err
}

func leases4Answer(ls []*lease.Lease4, err error) answer {
	if err != nil {
		return errorAnswer(err)
	}
	return answer{code: found(len(ls)), text: fmt.Sprintf("%d IPv4 lease(s) found.", len(ls)), args: leasesArgs4(ls, false)}
}

// lease4-get-by-hw-address
func (l *Library) lease4GetByHWAddress(c *command) answer {
	s, err := byParam(c, "hw-address")
	if err != nil {
		return errorAnswer(err)
	}
	hw, err := parseHWAddr(s)
	if err != nil {
		return errorAnswer(err)
	}
	return leases4Answer(sorted4(l.store4().Leases4ByHWAddr(hw.Bytes)))
}

// lease4-get-by-client-id
func (l *Library) lease4GetByClientID(c *command) answer {
	s, err := byParam(c, "client-id")
	if err != nil {
		return errorAnswer(err)
	}
	id, err := parseClientID(s)
	if err != nil {
		return errorAnswer(err)
	}
	return leases4Answer(sorted4(l.store4().Leases4ByClientID(id)))
}

// lease4-get-by-hostname
func (l *Library) lease4GetByHostname(c *command) answer {
	h, err := hostnameParam(c)
	if err != nil {
		return errorAnswer(err)
	}
	return leases4Answer(sorted4(l.store4().Leases4ByHostname(h)))
}

// wipeSubnetID reads the optional "subnet-id" of lease*-wipe.
func wipeSubnetID(c *command) (uint32, error) {
	if c.args == nil {
		return 0, nil
	}
	ok, err := contains(c.args, "subnet-id")
	if err != nil || !ok {
		return 0, err
	}
	return getUint32(c.args, "subnet-id")
}

// lease4-wipe: one subnet, or every configured subnet for 0 or none.
func (l *Library) lease4Wipe(c *command) answer {
	id, err := wipeSubnetID(c)
	if err != nil {
		return errorAnswer(err)
	}
	st, m := l.store4(), l.mover()
	var ids []uint32
	if id != 0 {
		ids = []uint32{id}
	} else if cfg := l.config4(); cfg != nil {
		for _, s := range cfg.AllSubnets {
			ids = append(ids, s.ID)
		}
	}
	num := 0
	var text strings.Builder
	for _, sid := range ids {
		n, err := st.WipeLeases4(sid)
		if err != nil {
			return errorAnswer(err)
		}
		num += n
		fmt.Fprintf(&text, " %d", sid)
		m.wiped4(sid)
	}
	if id == 0 {
		m.set("declined-addresses", 0)
	}
	return answer{code: found(num), text: fmt.Sprintf("Deleted %d IPv4 lease(s) from subnet(s)%s", num, text.String())}
}
