package server4

import (
	"fmt"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

// pktStats are the handles of Kea's global pkt4-* statistics, taken once
// so that the packet path updates them without a registry lookup.
type pktStats struct {
	received, parseFailed, receiveDrop *stats.Counter
	sent                               *stats.Counter
	offerSent, ackSent, nakSent        *stats.Counter
	// byType counts received messages by type; index 0 is
	// pkt4-unknown-received.
	byType [9]*stats.Counter
}

func newPktStats(r *stats.Registry) *pktStats {
	s := &pktStats{
		received:    r.Counter("pkt4-received"),
		parseFailed: r.Counter("pkt4-parse-failed"),
		receiveDrop: r.Counter("pkt4-receive-drop"),
		sent:        r.Counter("pkt4-sent"),
		offerSent:   r.Counter("pkt4-offer-sent"),
		ackSent:     r.Counter("pkt4-ack-sent"),
		nakSent:     r.Counter("pkt4-nak-sent"),
	}
	names := [9]string{"unknown", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform"}
	for i, n := range names {
		s.byType[i] = r.Counter("pkt4-" + n + "-received")
	}
	// Kea creates the pkt4-queue-full statistic only when a packet is
	// dropped for a full parking lot; the handle is made lazily.
	return s
}

// countReceived bumps the per-type received statistic.
func (s *pktStats) countReceived(t dhcp4.MessageType) {
	if t >= 1 && int(t) < len(s.byType) {
		s.byType[t].Inc()
		return
	}
	s.byType[0].Inc()
}

// countSent bumps pkt4-sent and the per-type sent statistic.
func (s *pktStats) countSent(t dhcp4.MessageType) {
	s.sent.Inc()
	switch t {
	case dhcp4.DHCPOFFER:
		s.offerSent.Inc()
	case dhcp4.DHCPACK:
		s.ackSent.Inc()
	case dhcp4.DHCPNAK:
		s.nakSent.Inc()
	}
}

// subnetStatNames are the per-subnet statistics Kea creates for every
// subnet at configuration time (with the value 0), besides total-addresses.
var subnetStatNames = []string{
	"assigned-addresses", "cumulative-assigned-addresses", "declined-addresses",
	"reclaimed-declined-addresses", "reclaimed-leases",
	"v4-allocation-fail", "v4-allocation-fail-shared-network", "v4-allocation-fail-subnet",
	"v4-allocation-fail-no-pools", "v4-allocation-fail-classes",
	"v4-lease-reuses", "v4-reservation-conflicts",
}

// poolStatNames are the per-pool statistics.
var poolStatNames = []string{
	"assigned-addresses", "cumulative-assigned-addresses", "declined-addresses",
	"reclaimed-declined-addresses", "reclaimed-leases",
}

// globalStatNames are the global statistics Kea 2.2 creates at startup
// besides pkt4-*.
var globalStatNames = []string{
	"cumulative-assigned-addresses", "declined-addresses", "reclaimed-declined-addresses",
	"reclaimed-leases", "v4-allocation-fail", "v4-allocation-fail-shared-network",
	"v4-allocation-fail-subnet", "v4-allocation-fail-no-pools", "v4-allocation-fail-classes",
	"v4-lease-reuses", "v4-reservation-conflicts",
}

// setSubnetStats makes the per-subnet and per-pool statistics of a new
// configuration and recounts the assigned and declined addresses from the
// lease store, as Kea does on every (re)configuration. Statistics of
// subnets that are gone are removed; cumulative counters of subnets that
// stay are kept.
func setSubnetStats(r *stats.Registry, old, snap *snapshot, store lease.Store4) error {
	keep := map[string]bool{}
	for _, sn := range snap.subnets {
		pfx := fmt.Sprintf("subnet[%d].", sn.id)
		var total int64
		pools := map[uint32]int64{}
		for _, p := range sn.pools {
			n := int64(addrDistance(p.first, p.last)) + 1
			total += n
			pools[p.cfg.PoolID.V] += n
		}
		r.SetInt(pfx+"total-addresses", total)
		keep[pfx+"total-addresses"] = true
		for _, n := range subnetStatNames {
			name := pfx + n
			keep[name] = true
			if _, ok := r.Get(name); !ok || n == "assigned-addresses" || n == "declined-addresses" {
				r.SetInt(name, 0)
			}
		}
		for id, n := range pools {
			pp := fmt.Sprintf("%spool[%d].", pfx, id)
			r.SetInt(pp+"total-addresses", n)
			keep[pp+"total-addresses"] = true
			for _, s := range poolStatNames {
				name := pp + s
				keep[name] = true
				if _, ok := r.Get(name); !ok || s == "assigned-addresses" || s == "declined-addresses" {
					r.SetInt(name, 0)
				}
			}
		}
	}
	if old != nil {
		for _, sn := range old.subnets {
			pfx := fmt.Sprintf("subnet[%d].", sn.id)
			for _, name := range r.Names() {
				if len(name) > len(pfx) && name[:len(pfx)] == pfx && !keep[name] {
					r.Remove(name)
				}
			}
		}
	}
	rows, err := store.LeaseStats4(0, 0)
	if err != nil {
		return err
	}
	var declined int64
	for _, row := range rows {
		sn := snap.byID[row.SubnetID]
		if sn == nil {
			continue
		}
		var what string
		switch row.State {
		case lease.StateDefault:
			what = "assigned-addresses"
		case lease.StateDeclined:
			what = "declined-addresses"
			declined += row.Count
		default:
			continue
		}
		// Declined leases are also assigned addresses in Kea's counts.
		for _, w := range []string{what, "assigned-addresses"} {
			r.AddInt(fmt.Sprintf("subnet[%d].%s", row.SubnetID, w), row.Count)
			r.AddInt(fmt.Sprintf("subnet[%d].pool[%d].%s", row.SubnetID, row.PoolID, w), row.Count)
			if w == "assigned-addresses" {
				break
			}
		}
	}
	r.SetInt("declined-addresses", declined)
	return nil
}

// addrDistance returns last - first for IPv4 addresses.
func addrDistance(first, last interface{ As4() [4]byte }) uint32 {
	a, b := first.As4(), last.As4()
	x := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	y := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	return y - x
}
