package alloc

import (
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

var errTODO = errors.New("alloc: not implemented yet")

// Engine4 is the DHCPv4 allocation engine.
type Engine4 struct{}

// NewEngine4 returns an engine for cfg.
func NewEngine4(cfg *config.Dhcp4, store lease.Store4, hosts host.Store4, hk *hooks.Manager, st *stats.Registry, logger *slog.Logger) *Engine4 {
	return &Engine4{}
}

// Reconfigure switches to a new configuration, keeping allocator state.
func (e *Engine4) Reconfigure(cfg *config.Dhcp4, hosts host.Store4) {}

// Close stops following the lease store.
func (e *Engine4) Close() {}

// FindReservations fills ctx.Hosts.
func (e *Engine4) FindReservations(ctx *Context4) {}

// Allocate4 allocates or renews the client's lease.
func (e *Engine4) Allocate4(ctx *Context4) (l, old *lease.Lease4, err error) { return nil, nil, errTODO }

// Release4 releases the client's lease of addr.
func (e *Engine4) Release4(ctx *Context4, addr netip.Addr) (bool, error) { return false, errTODO }

// Decline4 declines the client's lease of addr.
func (e *Engine4) Decline4(ctx *Context4, addr netip.Addr) (bool, error) { return false, errTODO }

// Reclaimer4 runs lease reclamation.
type Reclaimer4 struct{}

// NewReclaimer4 returns a reclaimer for the engine.
func NewReclaimer4(e *Engine4) *Reclaimer4 { return &Reclaimer4{} }

// Start starts the timers.
func (r *Reclaimer4) Start() {}

// Stop stops the timers.
func (r *Reclaimer4) Stop() {}

// ReclaimNow reclaims every expired lease now (leases-reclaim).
func (r *Reclaimer4) ReclaimNow(remove bool) error { return errTODO }

var _ = time.Second
