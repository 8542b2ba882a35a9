package sqlcommon

import (
	"context"
	"fmt"

	"github.com/nestordhcp/nestor/lease"
)

// AddLeases4 inserts leases in one transaction (kea-admin lease-upload):
// all of them or, on any error, none.
func (s *Store4) AddLeases4(ls []*lease.Lease4) error {
	return s.c.Do(func(bool) error {
		tx, err := s.c.DB.BeginTx(context.Background(), nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st := tx.Stmt(s.q.insert)
		for _, l := range ls {
			args, err := s.args4(l)
			if err != nil {
				return fmt.Errorf("%v: %w", l.Addr, err)
			}
			if _, err := st.Exec(args...); err != nil {
				if s.d.IsDuplicate(err) {
					return fmt.Errorf("%v: %w", l.Addr, lease.ErrExists)
				}
				return fmt.Errorf("%v: %w", l.Addr, err)
			}
		}
		return tx.Commit()
	})
}

// AddLeases6 is AddLeases4 for DHCPv6.
func (s *Store6) AddLeases6(ls []*lease.Lease6) error {
	return s.c.Do(func(bool) error {
		tx, err := s.c.DB.BeginTx(context.Background(), nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st := tx.Stmt(s.q.insert)
		for _, l := range ls {
			args, err := s.args6(l)
			if err != nil {
				return fmt.Errorf("%v: %w", l.Addr, err)
			}
			if _, err := st.Exec(args...); err != nil {
				if s.d.IsDuplicate(err) {
					return fmt.Errorf("%v: %w", l.Addr, lease.ErrExists)
				}
				return fmt.Errorf("%v: %w", l.Addr, err)
			}
		}
		return tx.Commit()
	})
}

// RecountSQL returns the statements that rebuild the statistics tables of
// family 4 or 6 from the lease table, as kea-admin stats-recount does
// (and, with Kea 2.6's layout, the per-pool tables too).
func RecountSQL(family int, l Layout) []string {
	if family == 4 {
		qs := []string{
			"DELETE FROM lease4_stat",
			"INSERT INTO lease4_stat (subnet_id, state, leases) SELECT subnet_id, state, COUNT(*) FROM lease4 WHERE state = 0 OR state = 1 GROUP BY subnet_id, state",
		}
		if l.PoolID {
			qs = append(qs, "DELETE FROM lease4_pool_stat",
				"INSERT INTO lease4_pool_stat (subnet_id, pool_id, state, leases) SELECT subnet_id, pool_id, state, COUNT(*) FROM lease4 WHERE state = 0 OR state = 1 GROUP BY subnet_id, pool_id, state")
		}
		return qs
	}
	qs := []string{
		"DELETE FROM lease6_stat",
		"INSERT INTO lease6_stat (subnet_id, lease_type, state, leases) SELECT subnet_id, lease_type, state, COUNT(*) FROM lease6 WHERE state = 0 OR state = 1 GROUP BY subnet_id, lease_type, state",
	}
	if l.PoolID {
		qs = append(qs, "DELETE FROM lease6_pool_stat",
			"INSERT INTO lease6_pool_stat (subnet_id, pool_id, lease_type, state, leases) SELECT subnet_id, pool_id, lease_type, state, COUNT(*) FROM lease6 WHERE state = 0 OR state = 1 GROUP BY subnet_id, pool_id, lease_type, state")
	}
	return qs
}
