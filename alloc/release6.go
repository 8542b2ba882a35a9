package alloc

import (
	"bytes"
	"net/netip"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// Release6Outcome says what Release6 or Decline6 did with one address or
// prefix, for the status code the server sends.
type Release6Outcome uint8

// Outcomes of Release6 and Decline6.
const (
	// Released: the lease was released or declined (or a callout kept it
	// with Skip, which the client is not told).
	Released Release6Outcome = iota
	// NoLease: there is no lease for the resource.
	NoLease
	// NotOwner: the lease belongs to another DUID.
	NotOwner
	// Dropped: a lease6_decline callout returned Drop: no reply is sent.
	Dropped
	// WrongIAID: the lease is the client's (same DUID) but of another
	// IAID; Kea tells this case apart in its status text.
	WrongIAID
)

// Release6 handles one IAADDR or IAPREFIX of a RELEASE (Kea's
// releaseIA_NA/releaseIA_PD): the lease must exist and belong to the
// client's DUID and the IA's IAID; lease6_release may keep it (Skip or
// Drop). The lease is deleted and subnet[id].assigned-nas/pds go down.
// With lease affinity (flush-reclaimed-timer-wait-time and
// hold-reclaimed-time both > 0) a finite lease is expired and kept instead,
// with zero lifetimes as Kea 2.6 writes it and without its DNS data (the
// server removes the entries now), and reclaimed later; the client
// coming back gets it again. The returned lease is the lease as it was.
func (e *Engine6) Release6(c *Context6, t lease.Type, iaid uint32, pr netip.Prefix) (Release6Outcome, *lease.Lease6, error) {
	ec := e.cur.Load()
	mu := e.locks.stripe(pr.Addr())
	mu.Lock()
	defer mu.Unlock()
	l, out, err := e.owned(c, t, iaid, pr.Addr())
	if l == nil {
		return out, nil, err
	}
	read := l.Clone()
	st := e.callout6(c, hooks.Lease6Release, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query6", c.Query)
		hooks.Set(h, "lease6", l)
	}, nil)
	if st == hooks.Skip || st == hooks.Drop {
		return Released, nil, nil
	}
	if keepReleased(ec.cfg.ExpiredLeasesProcessing, l.ValidLifetime) {
		old := l.Clone()
		l.PreferredLifetime, l.ValidLifetime = 0, 0
		l.CLTT = e.Now().Unix()
		l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
		if err := e.update(l, read); err != nil {
			return NoLease, nil, err
		}
		l = old
	} else if err := e.delete(read); err != nil {
		return NoLease, nil, err
	}
	if l.State == lease.StateDefault && !released6(read) {
		e.countAssigned(ec, l, -1, false)
	}
	return Released, l, nil
}

// Decline6 handles one IAADDR of a DECLINE (Kea's declineLease): the lease
// must belong to the client; lease6_decline may refuse (Skip: the client
// is told it worked; Drop: no reply). The lease loses the client's
// identity and is kept DECLINED for decline-probation-period seconds;
// declined-addresses (global and subnet) go up by one.
func (e *Engine6) Decline6(c *Context6, iaid uint32, addr netip.Addr) (Release6Outcome, *lease.Lease6, error) {
	ec := e.cur.Load()
	mu := e.locks.stripe(addr)
	mu.Lock()
	defer mu.Unlock()
	l, out, err := e.owned(c, lease.TypeNA, iaid, addr)
	if l == nil {
		return out, nil, err
	}
	st := e.callout6(c, hooks.Lease6Decline, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query6", c.Query)
		hooks.Set(h, "lease6", l)
	}, nil)
	switch st {
	case hooks.Skip:
		return Released, nil, nil
	case hooks.Drop:
		return Dropped, nil, nil
	}
	old := l.Clone()
	l.DUID = lease.EmptyDUID
	l.HWAddr = lease.HWAddr{}
	l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
	l.PreferredLifetime = 0
	l.ValidLifetime = ec.probation
	l.CLTT = e.Now().Unix()
	l.State = lease.StateDeclined
	l.UserContext = nil
	if err := e.update(l, old); err != nil {
		return NoLease, nil, err
	}
	e.stat(subnetStat(l.SubnetID, "declined-addresses"), 1)
	e.stat("declined-addresses", 1)
	return Released, old, nil
}

// owned returns the lease of addr when it belongs to the client's IA.
func (e *Engine6) owned(c *Context6, t lease.Type, iaid uint32, addr netip.Addr) (*lease.Lease6, Release6Outcome, error) {
	l, err := e.store.Lease6(t, addr)
	if err != nil {
		if errorsIsNotFound(err) {
			return nil, NoLease, nil
		}
		return nil, NoLease, err
	}
	if l == nil {
		return nil, NoLease, nil
	}
	if !bytes.Equal(l.DUID, c.DUID) {
		return nil, NotOwner, nil
	}
	if l.IAID != iaid {
		return nil, WrongIAID, nil
	}
	return l, Released, nil
}
