package leasecmds

import (
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

// Statistics move as Kea's LeaseCmdsImpl::updateStatsOn{Add,Update,Delete}
// move them: a lease that is not expired-reclaimed counts in
// subnet[ID].assigned-addresses (v4) or assigned-nas/assigned-pds (v6); a
// declined one also in declined-addresses, per subnet and globally.
// Per-pool statistics (subnet[ID].pool[N]...., Kea 2.6) move only when the
// server created them.

type statsMover struct {
	r    *stats.Registry
	cfg4 *config.Dhcp4
	cfg6 *config.Dhcp6
}

func subnetStat(id uint32, name string) string { return fmt.Sprintf("subnet[%d].%s", id, name) }

func (m statsMover) add(name string, d int64) {
	if m.r != nil {
		_ = m.r.AddInt(name, d)
	}
}

// addIfPresent moves a per-pool statistic the server created.
func (m statsMover) addIfPresent(name string, d int64) {
	if m.r == nil {
		return
	}
	if _, ok := m.r.Get(name); ok {
		_ = m.r.AddInt(name, d)
	}
}

func (m statsMover) set(name string, v int64) {
	if m.r != nil {
		_ = m.r.SetInt(name, v)
	}
}

func (m statsMover) get(name string) int64 {
	if m.r == nil {
		return 0
	}
	s, ok := m.r.Get(name)
	if !ok {
		return 0
	}
	return s.Int
}

// pool4Prefix returns "subnet[ID].pool[N]." for the pool holding addr.
func (m statsMover) pool4Prefix(id uint32, addr netip.Addr) string {
	s := subnet4ByID(m.cfg4, id)
	if s == nil {
		return ""
	}
	for i, p := range s.Pools {
		if p.First.Compare(addr) <= 0 && addr.Compare(p.Last) <= 0 {
			return fmt.Sprintf("subnet[%d].pool[%d].", id, i)
		}
	}
	return ""
}

func (m statsMover) pool6Prefix(id uint32, t lease.Type, addr netip.Addr) string {
	s := subnet6ByID(m.cfg6, id)
	if s == nil {
		return ""
	}
	switch t {
	case lease.TypeNA:
		for i, p := range s.Pools {
			if p.First.Compare(addr) <= 0 && addr.Compare(p.Last) <= 0 {
				return fmt.Sprintf("subnet[%d].pool[%d].", id, i)
			}
		}
	case lease.TypePD:
		for i, p := range s.PDPools {
			if p.Prefix.Contains(addr) {
				return fmt.Sprintf("subnet[%d].pd-pool[%d].", id, i)
			}
		}
	}
	return ""
}

// account4 adds sign (+1 or -1) of a v4 lease to the statistics:
// assigned unless withAssigned is false, declined when it is declined.
func (m statsMover) account4(l *lease.Lease4, sign int64, withAssigned bool) {
	pool := m.pool4Prefix(l.SubnetID, l.Addr)
	if withAssigned {
		m.add(subnetStat(l.SubnetID, "assigned-addresses"), sign)
		if pool != "" {
			m.addIfPresent(pool+"assigned-addresses", sign)
		}
	}
	if l.State == lease.StateDeclined {
		m.add("declined-addresses", sign)
		m.add(subnetStat(l.SubnetID, "declined-addresses"), sign)
		if pool != "" {
			m.addIfPresent(pool+"declined-addresses", sign)
		}
	}
}

func assignedName6(t lease.Type) string {
	if t == lease.TypeNA {
		return "assigned-nas"
	}
	return "assigned-pds"
}

// account6 is account4 for a v6 lease; Kea counts TA leases with the
// prefixes.
func (m statsMover) account6(l *lease.Lease6, sign int64, withAssigned bool) {
	pool := m.pool6Prefix(l.SubnetID, l.Type, l.Addr)
	if withAssigned {
		m.add(subnetStat(l.SubnetID, assignedName6(l.Type)), sign)
		if pool != "" {
			m.addIfPresent(pool+assignedName6(l.Type), sign)
		}
	}
	if l.State == lease.StateDeclined {
		m.add("declined-addresses", sign)
		m.add(subnetStat(l.SubnetID, "declined-addresses"), sign)
		if pool != "" {
			m.addIfPresent(pool+"declined-addresses", sign)
		}
	}
}

func (m statsMover) onAdd4(l *lease.Lease4) {
	if l.State != lease.StateExpiredReclaimed {
		m.account4(l, 1, true)
	}
}

func (m statsMover) onDelete4(l *lease.Lease4) {
	if l.State != lease.StateExpiredReclaimed {
		m.account4(l, -1, true)
	}
}

// onUpdate4 follows Kea: assigned moves only when the subnet changes or the
// old lease was expired-reclaimed (so a lease updated to expired-reclaimed
// in the same subnet stays counted as assigned, as in Kea).
func (m statsMover) onUpdate4(old, l *lease.Lease4) {
	if old.State != lease.StateExpiredReclaimed {
		moved := old.SubnetID != l.SubnetID
		m.account4(old, -1, moved)
		if l.State != lease.StateExpiredReclaimed {
			m.account4(l, 1, moved)
		}
		return
	}
	if l.State != lease.StateExpiredReclaimed {
		m.account4(l, 1, true)
	}
}

func (m statsMover) onAdd6(l *lease.Lease6) {
	if l.State != lease.StateExpiredReclaimed {
		m.account6(l, 1, true)
	}
}

func (m statsMover) onDelete6(l *lease.Lease6) {
	if l.State != lease.StateExpiredReclaimed {
		m.account6(l, -1, true)
	}
}

func (m statsMover) onUpdate6(old, l *lease.Lease6) {
	if old.State != lease.StateExpiredReclaimed {
		moved := old.SubnetID != l.SubnetID
		m.account6(old, -1, moved)
		if l.State != lease.StateExpiredReclaimed {
			m.account6(l, 1, moved)
		}
		return
	}
	if l.State != lease.StateExpiredReclaimed {
		m.account6(l, 1, true)
	}
}

// wiped4 resets a wiped subnet's statistics as Kea does (even for a subnet
// id that is not configured).
func (m statsMover) wiped4(id uint32) {
	prev := m.get(subnetStat(id, "declined-addresses"))
	m.set(subnetStat(id, "assigned-addresses"), 0)
	m.set(subnetStat(id, "declined-addresses"), 0)
	m.add("declined-addresses", -prev)
	if s := subnet4ByID(m.cfg4, id); s != nil {
		for i := range s.Pools {
			m.setIfPresent(fmt.Sprintf("subnet[%d].pool[%d].assigned-addresses", id, i), 0)
			m.setIfPresent(fmt.Sprintf("subnet[%d].pool[%d].declined-addresses", id, i), 0)
		}
	}
}

// setIfPresent resets a per-pool statistic the server created.
func (m statsMover) setIfPresent(name string, v int64) {
	if m.r == nil {
		return
	}
	if _, ok := m.r.Get(name); ok {
		_ = m.r.SetInt(name, v)
	}
}

func (m statsMover) wiped6(id uint32) {
	prev := m.get(subnetStat(id, "declined-addresses"))
	m.set(subnetStat(id, "assigned-nas"), 0)
	m.set(subnetStat(id, "assigned-pds"), 0)
	m.set(subnetStat(id, "declined-addresses"), 0)
	m.add("declined-addresses", -prev)
	if s := subnet6ByID(m.cfg6, id); s != nil {
		for i := range s.Pools {
			m.setIfPresent(fmt.Sprintf("subnet[%d].pool[%d].assigned-nas", id, i), 0)
			m.setIfPresent(fmt.Sprintf("subnet[%d].pool[%d].declined-addresses", id, i), 0)
		}
		for i := range s.PDPools {
			m.setIfPresent(fmt.Sprintf("subnet[%d].pd-pool[%d].assigned-pds", id, i), 0)
		}
	}
}
