package alloc

import (
	"errors"
	"net/netip"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// Release4 handles a DHCPRELEASE for addr (Kea's processRelease): the lease
// must exist and belong to the client (ctx.HWAddr, ctx.ClientID);
// lease4_release may keep it (Skip or Drop). With lease affinity
// (flush-reclaimed-timer-wait-time and hold-reclaimed-time both > 0) a
// finite lease is expired and kept, with a zero valid lifetime as Kea 2.6
// writes it, and reclaimed later; otherwise it is deleted.
// subnet[id].assigned-addresses and the pool's go down by one.
//
// It returns the lease as it was before the release (its hostname and DNS
// flags tell the server which DNS entries to remove), or nil when nothing
// was released. Only ctx.Query, ctx.HWAddr, ctx.ClientID and ctx.Callout
// are used.
func (e *Engine4) Release4(ctx *Context4, addr netip.Addr) (*lease.Lease4, error) {
	ec := e.cur.Load()
	mu := e.locks.stripe(addr)
	mu.Lock()
	defer mu.Unlock()
	l, err := e.store.Lease4(addr)
	if err != nil {
		if errorsIsNotFound(err) {
			e.log.Debug("no lease for the released address", "msgid", "DHCP4_RELEASE_FAIL_NO_LEASE", "debuglevel", dbgDHCP4Detail, "query", ctx.label(), "address", addr.String())
			return nil, nil
		}
		return nil, err
	}
	if !l.BelongsTo(ctx.HWAddr.Bytes, ctx.ClientID) {
		e.log.Debug("released lease belongs to another client", "msgid", "DHCP4_RELEASE_FAIL_WRONG_CLIENT", "debuglevel", dbgDHCP4Detail, "query", ctx.label(), "address", addr.String())
		return nil, nil
	}
	st := e.callout(ctx, hooks.Lease4Release, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query4", ctx.Query)
		hooks.Set(h, "lease4", l)
	}, nil)
	if st == hooks.Skip || st == hooks.Drop {
		e.log.Debug("lease4_release callouts skipped the release", "msgid", "DHCP4_HOOK_LEASE4_RELEASE_SKIP", "logger", "hooks", "debuglevel", dbgDHCP4Hooks, "query", ctx.label())
		return nil, nil
	}
	old := l.Clone()
	if keepReleased(ec.elp, l.ValidLifetime) {
		l.ValidLifetime = 0
		// The server removes the DNS entries now; reclamation must not
		// do it again.
		l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
		err = e.update(l, old)
	} else {
		err = e.remove(old)
	}
	if err != nil {
		return nil, err
	}
	if live(old) && !released(old) {
		e.subnetPoolStat(ec, old.SubnetID, old.Addr, "assigned-addresses", -1)
	}
	e.log.Debug("address released", "msgid", "DHCP4_RELEASE", "debuglevel", dbgDHCP4Detail, "query", ctx.label(), "address", addr.String())
	return old, nil
}

// Decline4 handles a DHCPDECLINE for addr (Kea's processDecline): the
// lease must exist and belong to the client; lease4_decline may refuse
// (Skip or Drop). The lease loses the client's identity and is kept
// DECLINED for decline-probation-period seconds, after which reclamation
// recovers it. declined-addresses (global, subnet, pool) go up by one;
// assigned-addresses stays until recovery.
//
// It returns the lease as it was before (for the DNS removal), or nil when
// nothing was declined.
func (e *Engine4) Decline4(ctx *Context4, addr netip.Addr) (*lease.Lease4, error) {
	mu := e.locks.stripe(addr)
	mu.Lock()
	defer mu.Unlock()
	l, err := e.store.Lease4(addr)
	if err != nil {
		if errorsIsNotFound(err) {
			e.log.Warn("no lease for the declined address", "msgid", "DHCP4_DECLINE_LEASE_NOT_FOUND", "logger", "dhcp4", "address", addr.String(), "query", ctx.label())
			return nil, nil
		}
		return nil, err
	}
	if !l.BelongsTo(ctx.HWAddr.Bytes, ctx.ClientID) {
		e.log.Warn("declined lease belongs to another client", "msgid", "DHCP4_DECLINE_LEASE_MISMATCH", "logger", "dhcp4",
			"address", addr.String(), "query", ctx.label(),
			"hwaddr", orNone(lease.FormatHex(ctx.HWAddr.Bytes)), "lease-hwaddr", orNone(lease.FormatHex(l.HWAddr.Bytes)),
			"client-id", orNone(lease.FormatHex(ctx.ClientID)), "lease-client-id", orNone(lease.FormatHex(l.ClientID)))
		return nil, nil
	}
	st := e.callout(ctx, hooks.Lease4Decline, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "query4", ctx.Query)
		hooks.Set(h, "lease4", l)
	}, nil)
	if st == hooks.Skip || st == hooks.Drop {
		e.log.Debug("lease4_decline callouts skipped the decline", "msgid", "DHCP4_HOOK_DECLINE_SKIP", "logger", "hooks", "debuglevel", dbgDHCP4Hooks, "query", ctx.label(), "address", addr.String())
		return nil, nil
	}
	return e.declineLocked(l, ctx.label())
}

// ServerDecline4 declines the lease of addr on the server's own initiative
// (lease4_offer reported the address in use), without ownership check or
// lease4_decline. It returns the lease as it was, or nil when there is
// none.
func (e *Engine4) ServerDecline4(addr netip.Addr) (*lease.Lease4, error) {
	mu := e.locks.stripe(addr)
	mu.Lock()
	defer mu.Unlock()
	l, err := e.store.Lease4(addr)
	if err != nil {
		if errorsIsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return e.declineLocked(l, "(server decline)")
}

// declineLocked is Kea's Lease4::decline plus the store update and the
// statistics; the stripe is held.
func (e *Engine4) declineLocked(l *lease.Lease4, descr any) (*lease.Lease4, error) {
	ec := e.cur.Load()
	old := l.Clone()
	l.HWAddr = lease.HWAddr{}
	l.ClientID = nil
	l.CLTT = e.now()
	l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
	l.ValidLifetime = ec.probation
	l.State = lease.StateDeclined
	l.UserContext = nil
	if err := e.update(l, old); err != nil {
		return nil, err
	}
	e.subnetPoolStat(ec, l.SubnetID, l.Addr, "declined-addresses", 1)
	e.stat("declined-addresses", 1)
	e.log.Info("address declined", "msgid", "DHCP4_DECLINE_LEASE", "logger", "dhcp4", "address", l.Addr.String(), "query", descr, "probation", ec.probation)
	return old, nil
}

// keepReleased reports whether a released lease of valid lifetime valid is
// kept expired instead of deleted (lease affinity, ARM "Configuring Lease
// Affinity", Kea 2.6's processRelease and releaseIA_NA/releaseIA_PD):
// flush-reclaimed-timer-wait-time and hold-reclaimed-time both > 0 and a
// finite lease.
func keepReleased(elp configELP, valid uint32) bool {
	return elp.FlushReclaimedTimerWaitTime > 0 && elp.HoldReclaimedTime > 0 && valid != lease.InfiniteLifetime
}

func errorsIsNotFound(err error) bool { return errors.Is(err, lease.ErrNotFound) }

// Kea's debug levels of the DHCPv4 server's messages (dhcp4_log.h).
const (
	dbgDHCP4Hooks  = 45 // DBG_DHCP4_HOOKS
	dbgDHCP4Detail = 50 // DBG_DHCP4_DETAIL
)

// label is the query's label for log messages.
func (c *Context4) label() any {
	if c == nil || c.Label == nil {
		return "(none)"
	}
	return c.Label
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
