package alloc

import (
	"errors"
	"log/slog"
	"time"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

func (e *Engine6) elpConfig() configELP { return e.cur.Load().cfg.ExpiredLeasesProcessing }
func (e *Engine6) logger() *slog.Logger { return e.log }
func (e *Engine6) family() string       { return "V6" }

// released6 reports whether a lease was released with lease affinity on
// (Release6): Kea 2.6 keeps it with zero lifetimes in state default (Kea 3
// uses the "released" state, also understood here). Its
// assigned-nas/pds were already counted down at release.
func released6(l *lease.Lease6) bool {
	return l.State == lease.StateReleased || (l.State == lease.StateDefault && l.ValidLifetime == 0)
}

// expired6 reports whether a lease is expired at now, a released one
// (zero lifetimes) included.
func expired6(l *lease.Lease6, now int64) bool { return l.Expired(now) || released6(l) }

// reclaim6 is Kea's reclaimExpiredLease for one DHCPv6 lease whose stripe
// is held: lease6_expire (lease6, remove_lease; Skip leaves the lease to
// the callouts), a declined lease's recovery (lease6_recover), the lease
// deleted or kept as expired-reclaimed (mode), then assigned-nas or
// assigned-pds down by one and reclaimed-leases up by one, as Kea counts
// them even when lease6_expire skipped. A declined address is recovered
// (lease6_recover) and deleted. c is the query's context when the lease is
// reclaimed to be given out again (nil for the reclaimer). It returns false
// when a callout skipped or the store failed.
func (e *Engine6) reclaim6(ec *engine6Config, c *Context6, l *lease.Lease6, mode reclaimMode) bool {
	rel := released6(l)
	e.log.Debug("reclaiming lease", "msgid", "ALLOC_ENGINE_V6_LEASE_RECLAIM",
		"address", l.Addr.String(), "prefix_len", l.PrefixLen)
	skipped := e.callout6(c, hooks.Lease6Expire, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "lease6", l)
		hooks.Set(h, "remove_lease", mode == reclaimRemove)
	}, nil) == hooks.Skip
	if !skipped {
		if e.NameChangeRemove != nil && (l.FQDNFwd || l.FQDNRev) && l.Hostname != "" {
			e.NameChangeRemove(l.Clone())
		}
		remove := mode == reclaimRemove
		if l.State == lease.StateDeclined {
			if !e.reclaimDeclined6(l) && mode != reclaimLeave {
				// lease6_recover skipped: the lease is kept as it is and
				// tried again at the next cycle (the hook's contract). Kea
				// would count it reclaimed at every cycle and write an
				// expired-reclaimed lease with no DUID, which its own lease
				// file then refuses.
				return false
			}
			remove = true
		}
		if mode != reclaimLeave {
			var err error
			if remove {
				err = e.delete(l)
			} else {
				l.State = lease.StateExpiredReclaimed
				l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
				err = e.update(l, l) // the expiration time is unchanged
			}
			if err != nil && (e.shared != nil || !errors.Is(err, lease.ErrNotFound)) {
				// On a shared store, ErrNotFound: another server renewed,
				// reused or reclaimed the lease meanwhile (Kea logs the
				// failure the same way).
				e.log.Error("failed to reclaim lease", "msgid", "ALLOC_ENGINE_V6_LEASE_RECLAMATION_FAILED",
					"address", l.Addr.String(), "error", err)
				return false
			}
			e.log.Debug("lease reclaimed", "msgid", "ALLOC_ENGINE_LEASE_RECLAIMED", "address", l.Addr.String())
		}
	}
	if !rel {
		e.countAssigned(ec, l, -1, false)
	}
	e.stat("reclaimed-leases", 1)
	e.subnetPoolStat6(ec, l, "reclaimed-leases", 1)
	return !skipped
}

// reclaimDeclined6 is Kea's reclaimDeclined for DHCPv6: lease6_recover
// (lease6; Skip keeps the address declined) and the declined-address
// statistics. It returns false when lease6_recover skipped the recovery.
func (e *Engine6) reclaimDeclined6(l *lease.Lease6) bool {
	if e.callout6(nil, hooks.Lease6Recover, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "lease6", l)
	}, nil) == hooks.Skip {
		e.log.Debug("lease6_recover callouts skipped the recovery", "msgid", "DHCPSRV_HOOK_LEASE6_RECOVER_SKIP", "address", l.Addr.String())
		return false
	}
	e.log.Info("declined address recovered", "msgid", "ALLOC_ENGINE_V6_DECLINED_RECOVERED",
		"address", l.Addr.String(), "probation", l.ValidLifetime)
	e.stat(subnetStat(l.SubnetID, "declined-addresses"), -1)
	e.stat("declined-addresses", -1)
	e.stat(subnetStat(l.SubnetID, "reclaimed-declined-addresses"), 1)
	e.stat("reclaimed-declined-addresses", 1)
	return true
}

// subnetPoolStat6 moves subnet[id].name, and the pool's when the lease is
// in one, by d.
func (e *Engine6) subnetPoolStat6(ec *engine6Config, l *lease.Lease6, name string, d int64) {
	e.stat(subnetStat(l.SubnetID, name), d)
	if si := ec.subnets[l.SubnetID]; si != nil {
		if p := si.poolOf(l.Type, leasePrefix(l)); p != nil {
			e.stat(pool6Stat(l, p.id, name), d)
		}
	}
}

// ReclaimExpired reclaims up to maxLeases (0: all) expired addresses and
// prefixes, stopping after timeout (0: none) once at least one was
// processed (Kea's reclaimExpiredLeases6). remove deletes them, else they
// are kept as expired-reclaimed. Declined addresses whose probation ended
// are recovered and deleted. It returns how many were reclaimed and
// whether expired leases were left.
func (e *Engine6) ReclaimExpired(maxLeases int, timeout time.Duration, remove bool) (n int, incomplete bool, err error) {
	start := time.Now()
	ec := e.cur.Load()
	e.log.Debug("starting lease reclamation", "msgid", "ALLOC_ENGINE_V6_LEASES_RECLAMATION_START",
		"max_leases", maxLeases, "timeout", timeout)
	limit := 0
	if maxLeases > 0 {
		limit = maxLeases + 1
	}
	now := e.Now().Unix()
	ls, err := e.store.ExpiredLeases6(now, limit)
	if err != nil {
		e.log.Error("lease reclamation failed", "msgid", "ALLOC_ENGINE_V6_LEASES_RECLAMATION_FAILED", "error", err)
		return 0, false, err
	}
	if maxLeases > 0 && len(ls) > maxLeases {
		ls, incomplete = ls[:maxLeases], true
	}
	mode := reclaimUpdate
	if remove {
		mode = reclaimRemove
	}
	for i, l := range ls {
		mu := e.locks.stripe(l.Addr)
		mu.Lock()
		// Re-read: the client may have renewed it meanwhile.
		cur, err := e.store.Lease6(l.Type, l.Addr)
		if err == nil && cur != nil && cur.Expired(now) && cur.State != lease.StateExpiredReclaimed {
			if e.reclaim6(ec, nil, cur, mode) || cur.State != lease.StateDeclined {
				n++
			}
		}
		mu.Unlock()
		if timeout > 0 && time.Since(start) >= timeout {
			if i+1 < len(ls) {
				incomplete = true
			}
			e.log.Debug("lease reclamation timed out", "msgid", "ALLOC_ENGINE_V6_LEASES_RECLAMATION_TIMEOUT", "timeout", timeout.Milliseconds())
			break
		}
	}
	e.log.Debug("lease reclamation complete", "msgid", "ALLOC_ENGINE_V6_LEASES_RECLAMATION_COMPLETE",
		"reclaimed", n, "duration", time.Since(start))
	return n, incomplete, nil
}

// DeleteExpiredReclaimed deletes the expired-reclaimed leases that expired
// more than hold ago (Kea's deleteExpiredReclaimedLeases6).
func (e *Engine6) DeleteExpiredReclaimed(hold time.Duration) (int, error) {
	n, err := e.store.DeleteExpiredReclaimedLeases6(e.Now().Unix() - int64(hold/time.Second))
	if err != nil {
		e.log.Error("deleting reclaimed leases failed", "msgid", "ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE_FAILED", "error", err)
		return n, err
	}
	e.log.Debug("reclaimed leases deleted", "msgid", "ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE_COMPLETE", "deleted", n)
	return n, nil
}
