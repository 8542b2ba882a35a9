package alloc

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nestordhcp/nestor/config"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// reclaimMode says what reclamation does with the lease in the store
// (Kea's DbReclaimMode).
type reclaimMode uint8

const (
	reclaimRemove reclaimMode = iota // delete the lease
	reclaimUpdate                    // keep it as expired-reclaimed
	reclaimLeave                     // the caller reuses it (allocation)
)

// released reports whether a lease was released with lease affinity on:
// Kea 2.6 keeps such a lease with a zero valid lifetime (Kea 3 uses the
// "released" state, also understood here). Its assigned-addresses were
// already counted down at release.
func released(l *lease.Lease4) bool {
	return l.State == lease.StateReleased || (l.State == lease.StateDefault && l.ValidLifetime == 0)
}

// expired reports whether a lease is expired at now, a released one
// (zero valid lifetime) included.
func expired(l *lease.Lease4, now int64) bool { return l.Expired(now) || released(l) }

// reclaim is Kea's reclaimExpiredLease for one lease whose stripe is held
// (or that no one else can reach). It returns false when lease4_expire
// skipped it.
func (e *Engine4) reclaim(ec *engineConfig, ctx *Context4, l *lease.Lease4, mode reclaimMode) bool {
	if mode == reclaimLeave && l.State == lease.StateExpiredReclaimed {
		return true
	}
	e.log.Debug("reclaiming lease", "msgid", "ALLOC_ENGINE_V4_LEASE_RECLAIM", "address", l.Addr.String())
	wasReleased := released(l)
	skipped := e.callout(ctx, hooks.Lease4Expire, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "lease4", l)
		hooks.Set(h, "remove_lease", mode == reclaimRemove)
	}, nil) == hooks.Skip
	if !skipped {
		if e.NameChangeRemove != nil && (l.FQDNFwd || l.FQDNRev) && l.Hostname != "" {
			e.NameChangeRemove(l.Clone())
		}
		l.Hostname, l.FQDNFwd, l.FQDNRev = "", false, false
		remove := mode == reclaimRemove
		if l.State == lease.StateDeclined {
			remove = e.reclaimDeclined(ec, l)
		}
		if mode != reclaimLeave {
			var err error
			if remove {
				err = e.remove(l)
			} else {
				l.State = lease.StateExpiredReclaimed
				l.UserContext = nil
				err = e.update(l, l) // the expiration time is unchanged
			}
			if err != nil && (e.shared != nil || !errors.Is(err, lease.ErrNotFound)) {
				// On a shared store, ErrNotFound: another server renewed,
				// reused or reclaimed the lease meanwhile (Kea logs the
				// failure the same way).
				e.log.Error("failed to reclaim lease", "msgid", "ALLOC_ENGINE_V4_LEASE_RECLAMATION_FAILED",
					"address", l.Addr.String(), "error", err)
				return false
			}
			e.log.Debug("lease reclaimed", "msgid", "ALLOC_ENGINE_LEASE_RECLAIMED", "address", l.Addr.String())
		}
	}
	e.stat("reclaimed-leases", 1)
	e.subnetPoolStat(ec, l.SubnetID, l.Addr, "reclaimed-leases", 1)
	if !wasReleased {
		e.subnetPoolStat(ec, l.SubnetID, l.Addr, "assigned-addresses", -1)
	}
	return !skipped
}

// reclaimDeclined is Kea's reclaimDeclined: lease4_recover and the
// declined-address statistics. It returns whether the lease is to be
// removed.
func (e *Engine4) reclaimDeclined(ec *engineConfig, l *lease.Lease4) bool {
	if e.callout(nil, hooks.Lease4Recover, func(h *hooks.CalloutHandle) {
		hooks.Set(h, "lease4", l)
	}, nil) == hooks.Skip {
		e.log.Debug("lease4_recover callouts skipped the recovery", "msgid", "DHCPSRV_HOOK_LEASE4_RECOVER_SKIP", "address", l.Addr.String())
		return false
	}
	e.log.Info("declined address recovered", "msgid", "ALLOC_ENGINE_V4_DECLINED_RECOVERED",
		"address", l.Addr.String(), "probation", l.ValidLifetime)
	e.subnetPoolStat(ec, l.SubnetID, l.Addr, "declined-addresses", -1)
	e.subnetPoolStat(ec, l.SubnetID, l.Addr, "reclaimed-declined-addresses", 1)
	e.stat("declined-addresses", -1)
	e.stat("reclaimed-declined-addresses", 1)
	return true
}

// ReclaimExpired reclaims up to maxLeases (0: all) expired leases, stopping
// after timeout (0: none) once at least one was processed (Kea's
// reclaimExpiredLeases4). remove deletes them, else they are kept as
// expired-reclaimed for lease affinity. It returns how many were reclaimed
// and whether expired leases were left.
func (e *Engine4) ReclaimExpired(maxLeases int, timeout time.Duration, remove bool) (n int, incomplete bool, err error) {
	start := time.Now()
	ec := e.cur.Load()
	e.log.Debug("starting lease reclamation", "msgid", "ALLOC_ENGINE_V4_LEASES_RECLAMATION_START",
		"max_leases", maxLeases, "timeout", timeout)
	limit := 0
	if maxLeases > 0 {
		limit = maxLeases + 1
	}
	now := e.now()
	ls, err := e.store.ExpiredLeases4(now, limit)
	if err != nil {
		e.log.Error("lease reclamation failed", "msgid", "ALLOC_ENGINE_V4_LEASES_RECLAMATION_FAILED", "error", err)
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
		cur, err := e.store.Lease4(l.Addr)
		if err == nil && cur.Expired(now) && cur.State != lease.StateExpiredReclaimed {
			e.reclaim(ec, nil, cur, mode)
			n++
		}
		mu.Unlock()
		if timeout > 0 && time.Since(start) >= timeout {
			if i+1 < len(ls) {
				incomplete = true
			}
			e.log.Debug("lease reclamation timed out", "msgid", "ALLOC_ENGINE_V4_LEASES_RECLAMATION_TIMEOUT", "timeout", timeout.Milliseconds())
			break
		}
	}
	e.log.Debug("lease reclamation complete", "msgid", "ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE",
		"reclaimed", n, "duration", time.Since(start))
	return n, incomplete, nil
}

// DeleteExpiredReclaimed deletes the expired-reclaimed leases that expired
// more than hold ago (the flush of held reclaimed leases).
func (e *Engine4) DeleteExpiredReclaimed(hold time.Duration) (int, error) {
	n, err := e.store.DeleteExpiredReclaimedLeases4(e.now() - int64(hold/time.Second))
	if err != nil {
		e.log.Error("deleting reclaimed leases failed", "msgid", "ALLOC_ENGINE_V4_RECLAIMED_LEASES_DELETE_FAILED", "error", err)
		return n, err
	}
	e.log.Debug("reclaimed leases deleted", "msgid", "ALLOC_ENGINE_V4_RECLAIMED_LEASES_DELETE_COMPLETE", "deleted", n)
	return n, nil
}

// reclaimTarget is what a Reclaimer drives: an Engine4 or an Engine6.
type reclaimTarget interface {
	elpConfig() configELP
	ReclaimExpired(maxLeases int, timeout time.Duration, remove bool) (int, bool, error)
	DeleteExpiredReclaimed(hold time.Duration) (int, error)
	logger() *slog.Logger
	// family is "V4" or "V6", for the message ids.
	family() string
}

func (e *Engine4) elpConfig() configELP { return e.cur.Load().elp }
func (e *Engine4) logger() *slog.Logger { return e.log }
func (e *Engine4) family() string       { return "V4" }

// Reclaimer runs expired-leases-processing for an engine: a reclamation
// cycle reclaim-timer-wait-time seconds after the previous one ended (each
// bounded by max-reclaim-leases and max-reclaim-time, removing leases when
// flush-reclaimed-timer-wait-time is 0), and a flush of expired-reclaimed
// leases older than hold-reclaimed-time every
// flush-reclaimed-timer-wait-time seconds. The limits are read from the
// engine's configuration at each cycle, so a reconfiguration applies from
// the next one. Cycles do not stop packet processing: each lease is
// reclaimed under its address lock.
type Reclaimer struct {
	e reclaimTarget

	// cycle serializes reclamation cycles (timer and command).
	cycle      sync.Mutex
	incomplete uint32

	mu      sync.Mutex
	stop    chan struct{}
	wg      sync.WaitGroup
	running bool
}

// Reclaimer4 is the DHCPv4 server's reclaimer (NewReclaimer4).
type Reclaimer4 = Reclaimer

// Reclaimer6 is the DHCPv6 server's reclaimer (NewReclaimer6).
type Reclaimer6 = Reclaimer

// NewReclaimer4 returns a reclaimer for the engine; Start starts its timers.
func NewReclaimer4(e *Engine4) *Reclaimer { return &Reclaimer{e: e} }

// NewReclaimer6 returns a reclaimer for the DHCPv6 engine (Kea's
// reclaimExpiredLeases6 and deleteExpiredReclaimedLeases6 on timers);
// Start starts its timers.
func NewReclaimer6(e *Engine6) *Reclaimer { return &Reclaimer{e: e} }

// Start starts the reclamation and flush timers.
func (r *Reclaimer) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return
	}
	r.running = true
	r.stop = make(chan struct{})
	r.wg.Add(2)
	go r.loop(func(c configELP) uint32 { return c.ReclaimTimerWaitTime }, func() { _, _ = r.ReclaimCycle() })
	go r.loop(func(c configELP) uint32 { return c.FlushReclaimedTimerWaitTime }, func() { _, _ = r.Flush() })
}

// Stop stops the timers and waits for a running cycle to end.
func (r *Reclaimer) Stop() {
	r.mu.Lock()
	if !r.running {
		r.mu.Unlock()
		return
	}
	r.running = false
	close(r.stop)
	r.mu.Unlock()
	r.wg.Wait()
}

// loop runs fn wait(cfg) seconds after its previous run ended; a wait of 0
// disables it until a configuration enables it.
func (r *Reclaimer) loop(wait func(configELP) uint32, fn func()) {
	defer r.wg.Done()
	for {
		secs := wait(r.e.elpConfig())
		d := time.Duration(secs) * time.Second
		if secs == 0 {
			d = time.Second // disabled: look again later
		}
		t := time.NewTimer(d)
		select {
		case <-r.stop:
			t.Stop()
			return
		case <-t.C:
		}
		if secs != 0 && wait(r.e.elpConfig()) != 0 {
			fn()
		}
	}
}

// ReclaimCycle runs one timer cycle with the configured limits. It warns
// (ALLOC_ENGINE_V4/V6_LEASES_RECLAMATION_SLOW) when more than
// unwarned-reclaim-cycles consecutive cycles left expired leases behind.
func (r *Reclaimer) ReclaimCycle() (int, error) {
	r.cycle.Lock()
	defer r.cycle.Unlock()
	c := r.e.elpConfig()
	n, incomplete, err := r.e.ReclaimExpired(int(c.MaxReclaimLeases), time.Duration(c.MaxReclaimTime)*time.Millisecond,
		c.FlushReclaimedTimerWaitTime == 0)
	if err != nil {
		return n, err
	}
	fam := r.e.family()
	if incomplete {
		r.incomplete++
		if c.UnwarnedReclaimCycles > 0 && r.incomplete > c.UnwarnedReclaimCycles {
			r.e.logger().Warn("expired leases are left after several reclamation cycles", "msgid", "ALLOC_ENGINE_"+fam+"_LEASES_RECLAMATION_SLOW",
				"cycles", c.UnwarnedReclaimCycles)
			r.incomplete = 0
		}
	} else {
		r.incomplete = 0
		r.e.logger().Debug("no more expired leases", "msgid", "ALLOC_ENGINE_"+fam+"_NO_MORE_EXPIRED_LEASES")
	}
	return n, nil
}

// Flush deletes expired-reclaimed leases held longer than
// hold-reclaimed-time.
func (r *Reclaimer) Flush() (int, error) {
	c := r.e.elpConfig()
	return r.e.DeleteExpiredReclaimed(time.Duration(c.HoldReclaimedTime) * time.Second)
}

// ReclaimNow reclaims every expired lease at once, without limits, for the
// leases-reclaim command: remove deletes them, else they are kept as
// expired-reclaimed.
func (r *Reclaimer) ReclaimNow(remove bool) (int, error) {
	r.cycle.Lock()
	defer r.cycle.Unlock()
	n, _, err := r.e.ReclaimExpired(0, 0, remove)
	return n, err
}

type configELP = config.ExpiredLeasesProcessing
