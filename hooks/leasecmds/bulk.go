package leasecmds

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// bulkDelete is one parsed entry of "deleted-leases".
type bulkDelete struct {
	p     queryParams
	lease *lease.Lease6 // nil: a DUID query that found nothing
	// byAddrOnly marks an address whose lease of the given type does not
	// exist: Kea's memfile then deletes whatever lease holds the address.
	byAddrOnly bool
}

// lease6-bulk-apply: every entry is parsed first, so a malformed one
// changes nothing; then the deletions and the additions/updates are
// applied one by one, the failures listed in the answer.
func (l *Library) lease6BulkApply(c *command) answer {
	if c.args == nil || c.args.Kind() != ctrl.Map {
		return errorAnswer(errors.New("Command arguments missing or a not a map."))
	}
	deleted, _ := c.args.Get("deleted-leases")
	leases, _ := c.args.Get("leases")
	if deleted == nil && leases == nil {
		return errorAnswer(errors.New("neither 'deleted-leases' nor 'leases' parameter specified"))
	}
	if deleted != nil && deleted.Kind() != ctrl.List {
		return errorAnswer(errors.New("the 'deleted-leases' parameter must be a list"))
	}
	if leases != nil && leases.Kind() != ctrl.List {
		return errorAnswer(errors.New("the 'leases' parameter must be a list"))
	}
	st := l.store6()
	var dels []bulkDelete
	for _, item := range deleted.Items() {
		p, err := parseQuery(true, item)
		if err != nil {
			return errorAnswer(err)
		}
		d := bulkDelete{p: p}
		switch p.kind {
		case queryAddr:
			found, err := st.Lease6(p.leaseType, p.addr)
			if err != nil && !errors.Is(err, lease.ErrNotFound) {
				return errorAnswer(err)
			}
			d.lease, d.byAddrOnly = found, found == nil
		case queryDUID:
			if d.lease, err = l.lookup6(p, "Delete"); err != nil {
				return errorAnswer(err)
			}
		case queryHWAddr:
			return errorAnswer(errors.New("Delete by hw-address is not allowed in v6."))
		default:
			return errorAnswer(fmt.Errorf("Unknown query type: %d", p.kind))
		}
		dels = append(dels, d)
	}
	cfg := l.config6()
	var adds []*lease.Lease6
	for _, item := range leases.Items() {
		nl, _, err := parseLease6(cfg, item, l.now())
		if err != nil {
			return errorAnswer(err)
		}
		adds = append(adds, nl)
	}

	success := 0
	var failedDeleted, failedLeases []byte
	for _, d := range dels {
		if d.lease == nil && !d.byAddrOnly {
			continue
		}
		victim := d.lease
		if d.byAddrOnly {
			victim = l.leaseAt6(d.p.addr)
		}
		err := lease.ErrNotFound
		if victim != nil {
			err = delete6(st, victim)
		}
		switch {
		case err == nil:
			success++
			l.mover().onDelete6(victim)
		case errors.Is(err, lease.ErrNotFound):
			failedDeleted = appendFailed(failedDeleted, d.p.leaseType, d.p.addr, d.p.duid, hooks.ResultEmpty, "lease not found")
		default:
			failedDeleted = appendFailed(failedDeleted, d.p.leaseType, d.p.addr, d.p.duid, hooks.ResultError, err.Error())
		}
	}
	for _, nl := range adds {
		if _, err := l.addOrUpdate6(nl, true); err != nil {
			failedLeases = appendFailed(failedLeases, nl.Type, nl.Addr, nl.DUID, hooks.ResultError, err.Error())
			continue
		}
		success++
	}
	a := answer{code: found(success), text: fmt.Sprintf("Bulk apply of %d IPv6 leases completed.", success)}
	if failedDeleted != nil || failedLeases != nil {
		args := []byte{'{'}
		if failedDeleted != nil {
			args = append(args, `"failed-deleted-leases":[`...)
			args = append(args, failedDeleted...)
			args = append(args, ']')
		}
		if failedLeases != nil {
			if failedDeleted != nil {
				args = append(args, ',')
			}
			args = append(args, `"failed-leases":[`...)
			args = append(args, failedLeases...)
			args = append(args, ']')
		}
		a.args = append(args, '}')
	}
	return a
}

// leaseAt6 returns the lease of any type holding addr, or nil.
func (l *Library) leaseAt6(addr netip.Addr) *lease.Lease6 {
	for _, t := range []lease.Type{lease.TypeNA, lease.TypeTA, lease.TypePD} {
		if found, err := l.store6().Lease6(t, addr); err == nil && found != nil {
			return found
		}
	}
	return nil
}

// appendFailed is Kea's createFailedLeaseMap: the address when it is not
// ::, else the DUID.
func appendFailed(dst []byte, t lease.Type, addr netip.Addr, duid []byte, code int, msg string) []byte {
	if dst != nil {
		dst = append(dst, ',')
	} else {
		dst = []byte{}
	}
	dst = append(dst, '{')
	dst = appendKey(dst, "type")
	dst = appendString(dst, t.String())
	dst = append(dst, ',')
	if addr.IsValid() && !addr.IsUnspecified() {
		dst = appendKey(dst, "ip-address")
		dst = appendString(dst, addr.String())
		dst = append(dst, ',')
	} else if duid != nil {
		dst = appendKey(dst, "duid")
		dst = appendString(dst, lease.FormatHex(duid))
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "result")
	dst = fmt.Appendf(dst, "%d", code)
	dst = append(dst, ',')
	dst = appendKey(dst, "error-message")
	dst = appendString(dst, msg)
	return append(dst, '}')
}
