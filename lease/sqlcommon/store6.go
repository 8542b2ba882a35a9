package sqlcommon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// Store6 is a lease.Store6 on Kea's lease6 table.
type Store6 struct {
	c  *Conn
	d  *Dialect
	wt watchers[lease.Change6]
	q  queries6
}

var (
	_ lease.Store6       = (*Store6)(nil)
	_ lease.SharedStore6 = (*Store6)(nil)
)

type queries6 struct {
	insert, update, del, get, getType           *sql.Stmt
	byIA, byIASubnet, byDUID, byHost, bySubnet  *sql.Stmt
	page, all, expired, expiredLimit            *sql.Stmt
	delReclaimed, selReclaimed, wipe, selSubnet *sql.Stmt
	stats, statsRange                           *sql.Stmt
	updateCond, delCond, getForUpdate           *sql.Stmt
}

// Open6 connects to the database described by cfg and prepares the DHCPv6
// statements.
func Open6(d *Dialect, cfg Config) (*Store6, error) {
	s := &Store6{d: d}
	c, err := Open(d, cfg, s.prepare)
	if err != nil {
		return nil, err
	}
	s.c = c
	return s, nil
}

// Conn returns the store's connection.
func (s *Store6) Conn() *Conn { return s.c }

// Close closes the connection pool.
func (s *Store6) Close() error { return s.c.Close() }

func (s *Store6) prepare(c *Conn, l Layout) (err error) {
	s.c = c
	d := s.d
	db := s.c.DB
	key := d.Addr6Key(l)
	cols := d.Addr6Col(l) + ", duid, valid_lifetime, " + d.ExpireCol + ", subnet_id, pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, hwtype, hwaddr_source, state, user_context"
	wcols := "address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, hwtype, hwaddr_source, state, user_context"
	vals := d.Addr6Param(l, "?") + ", ?, ?, " + d.TimeParam("?") + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
	set := "duid = ?, valid_lifetime = ?, expire = " + d.TimeParam("?") + ", subnet_id = ?, pref_lifetime = ?, lease_type = ?, iaid = ?, prefix_len = ?, fqdn_fwd = ?, fqdn_rev = ?, hostname = ?, hwaddr = ?, hwtype = ?, hwaddr_source = ?, state = ?, user_context = ?"
	if l.PoolID {
		cols += ", pool_id"
		wcols += ", pool_id"
		vals += ", ?"
		set += ", pool_id = ?"
	}
	sel := "SELECT " + cols + " FROM lease6 "
	where := "WHERE address = " + d.Addr6Param(l, "?")
	p := func(dst **sql.Stmt, query string) {
		if err != nil {
			return
		}
		*dst, err = db.Prepare(d.rebind(query))
		if err != nil {
			err = fmt.Errorf("preparing %q: %w", query, err)
		}
	}
	q := &s.q
	p(&q.getForUpdate, sel+where+" FOR UPDATE")
	// Kea's conditional forms: one statement, no transaction.
	p(&q.updateCond, "UPDATE lease6 SET "+set+" "+where+" AND expire = "+d.TimeParam("?"))
	p(&q.delCond, "DELETE FROM lease6 "+where+" AND expire = "+d.TimeParam("?"))
	p(&q.insert, "INSERT INTO lease6 ("+wcols+") VALUES ("+vals+")")
	p(&q.update, "UPDATE lease6 SET "+set+" "+where)
	p(&q.del, "DELETE FROM lease6 "+where)
	p(&q.get, sel+where)
	p(&q.getType, sel+where+" AND lease_type = ?")
	p(&q.byIA, sel+"WHERE duid = ? AND iaid = ? AND lease_type = ? ORDER BY "+key)
	p(&q.byIASubnet, sel+"WHERE duid = ? AND iaid = ? AND subnet_id = ? AND lease_type = ? ORDER BY "+key)
	p(&q.byDUID, sel+"WHERE duid = ? ORDER BY "+key)
	p(&q.byHost, sel+"WHERE hostname = ? ORDER BY "+key)
	p(&q.bySubnet, sel+"WHERE subnet_id = ? ORDER BY "+key)
	p(&q.page, sel+"WHERE "+key+" > "+d.Addr6KeyParam(l, "?")+" ORDER BY "+key+" LIMIT ?")
	p(&q.all, sel+"ORDER BY "+key)
	exp := sel + "WHERE state != 2 AND valid_lifetime != 4294967295 AND expire < " + d.TimeParam("?") + " ORDER BY expire, " + key
	p(&q.expired, exp)
	p(&q.expiredLimit, exp+" LIMIT ?")
	p(&q.delReclaimed, "DELETE FROM lease6 WHERE state = 2 AND expire < "+d.TimeParam("?"))
	p(&q.selReclaimed, sel+"WHERE state = 2 AND expire < "+d.TimeParam("?")+" ORDER BY "+key)
	p(&q.wipe, "DELETE FROM lease6 WHERE subnet_id = ?")
	p(&q.selSubnet, sel+"WHERE subnet_id = ? ORDER BY "+key)
	if l.PoolID {
		p(&q.stats, "SELECT subnet_id, pool_id, lease_type, state, leases FROM lease6_pool_stat WHERE leases > 0 ORDER BY subnet_id, pool_id, lease_type, state")
		p(&q.statsRange, "SELECT subnet_id, pool_id, lease_type, state, leases FROM lease6_pool_stat WHERE leases > 0 AND subnet_id >= ? AND subnet_id <= ? ORDER BY subnet_id, pool_id, lease_type, state")
	} else {
		p(&q.stats, "SELECT subnet_id, 0, lease_type, state, leases FROM lease6_stat WHERE leases > 0 ORDER BY subnet_id, lease_type, state")
		p(&q.statsRange, "SELECT subnet_id, 0, lease_type, state, leases FROM lease6_stat WHERE leases > 0 AND subnet_id >= ? AND subnet_id <= ? ORDER BY subnet_id, lease_type, state")
	}
	return err
}

func (s *Store6) iaid(v uint32) int64 {
	if s.d.IAIDSigned {
		return int64(int32(v))
	}
	return int64(v)
}

func (s *Store6) args6(l *lease.Lease6) ([]any, error) {
	if err := check6(l); err != nil {
		return nil, fmt.Errorf("%s: %w", s.d.Name, err)
	}
	exp, err := expireOf(l.CLTT, l.ValidLifetime)
	if err != nil {
		return nil, err
	}
	// Without a hardware address Kea writes an empty one of type 0
	// (undefined) and source 0 (unknown); Kea 2.2 cannot read NULLs there.
	hw, hwtype, hwsrc := l.HWAddr.Bytes, int64(l.HWAddr.Type), int64(l.HWAddr.Source)
	if l.HWAddr.IsZero() {
		hw, hwtype, hwsrc = []byte{}, 0, 0
	}
	a := []any{l.Addr.String(), nullBytes(l.DUID), int64(l.ValidLifetime), exp, int64(l.SubnetID), int64(l.PreferredLifetime),
		int64(l.Type), s.iaid(l.IAID), int64(l.PrefixLen), l.FQDNFwd, l.FQDNRev, l.Hostname, hw,
		hwtype, hwsrc, int64(l.State), nullText(l.UserContext)}
	if s.c.Layout.PoolID {
		a = append(a, int64(l.PoolID))
	}
	return a, nil
}

func (s *Store6) scan(r scanner) (*lease.Lease6, error) {
	var (
		addr                               string
		duid, hw                           []byte
		valid, exp, subnet, pref, pool     sql.NullInt64
		typ, iaid, plen, hwtype, hwsrc, st sql.NullInt64
		fwd, rev                           sql.NullBool
		host, uc                           sql.NullString
	)
	dst := []any{&addr, &duid, &valid, &exp, &subnet, &pref, &typ, &iaid, &plen, &fwd, &rev, &host, &hw, &hwtype, &hwsrc, &st, &uc}
	if s.c.Layout.PoolID {
		dst = append(dst, &pool)
	}
	if err := r.Scan(dst...); err != nil {
		return nil, err
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("%s: lease6 row with invalid address %q", s.d.Name, addr)
	}
	l := &lease.Lease6{
		Addr:              a,
		Type:              lease.Type(typ.Int64),
		PrefixLen:         uint8(plen.Int64),
		IAID:              uint32(iaid.Int64),
		PreferredLifetime: uint32(pref.Int64),
		ValidLifetime:     uint32(valid.Int64),
		SubnetID:          uint32(subnet.Int64),
		PoolID:            uint32(pool.Int64),
		FQDNFwd:           fwd.Bool,
		FQDNRev:           rev.Bool,
		Hostname:          host.String,
		State:             lease.State(st.Int64),
	}
	l.CLTT = clttOf(exp.Int64, l.ValidLifetime)
	if len(duid) > 0 {
		l.DUID = duid
	}
	if len(hw) > 0 {
		l.HWAddr = lease.HWAddr{Bytes: hw, Type: uint16(hwtype.Int64), Source: uint32(hwsrc.Int64)}
	}
	if uc.String != "" {
		l.UserContext = []byte(uc.String)
	}
	return l, nil
}

func (s *Store6) one(st *sql.Stmt, args ...any) (*lease.Lease6, error) {
	var l *lease.Lease6
	err := s.c.Do(func(bool) error {
		var err error
		l, err = s.scan(st.QueryRow(args...))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lease.ErrNotFound
	}
	return l, err
}

func (s *Store6) many(st *sql.Stmt, args ...any) ([]*lease.Lease6, error) {
	var out []*lease.Lease6
	err := s.c.Do(func(bool) error {
		out = out[:0]
		rows, err := st.Query(args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := s.scan(rows)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// AddLease6 inserts l; lease.ErrExists when the address is taken.
func (s *Store6) AddLease6(l *lease.Lease6) error {
	args, err := s.args6(l)
	if err != nil {
		return err
	}
	err = s.c.Do(func(retry bool) error {
		_, err := s.q.insert.Exec(args...)
		if err != nil && s.d.IsDuplicate(err) {
			if retry {
				if got, gerr := s.scan(s.q.get.QueryRow(args[0])); gerr == nil && got.CLTT == l.CLTT &&
					string(got.DUID) == string(l.DUID) && got.IAID == l.IAID && got.State == l.State {
					return nil
				}
			}
			return lease.ErrExists
		}
		return err
	})
	if err == nil && s.wt.active() {
		s.wt.notify(lease.Change6{Kind: lease.Added, New: l.Clone()})
	}
	return err
}

// UpdateLease6 replaces the lease of l.Addr; lease.ErrNotFound when none.
func (s *Store6) UpdateLease6(l *lease.Lease6) error {
	args, err := s.args6(l)
	if err != nil {
		return err
	}
	uargs := append(append([]any(nil), args[1:]...), args[0])
	if s.wt.active() {
		var old *lease.Lease6
		err = s.c.Do(func(bool) error {
			var err error
			old, err = s.txChange(s.q.update, args[0], uargs)
			return err
		})
		if err == nil {
			s.wt.notify(lease.Change6{Kind: lease.Updated, Old: old, New: l.Clone()})
		}
		return err
	}
	return s.c.Do(func(bool) error {
		res, err := s.q.update.Exec(uargs...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lease.ErrNotFound
		}
		return nil
	})
}

// UpdateLease6Cond replaces the lease of l.Addr only while the stored lease
// still expires when old does, with Kea's single statement (UPDATE ...
// WHERE address = ? AND expire = ?); lease.ErrNotFound when there is no
// lease or another writer changed it. Watchers get old as the previous
// lease: the row matched its expiration time.
func (s *Store6) UpdateLease6Cond(l, old *lease.Lease6) error {
	args, err := s.args6(l)
	if err != nil {
		return err
	}
	want, err := expireOf(old.CLTT, old.ValidLifetime)
	if err != nil {
		return err
	}
	uargs := append(append([]any(nil), args[1:]...), args[0], want)
	err = s.c.Do(func(retry bool) error {
		err := changed(s.q.updateCond.Exec(uargs...))
		if retry && errors.Is(err, lease.ErrNotFound) {
			// The first attempt may have committed before the connection
			// broke: then the row is ours.
			if got, gerr := s.scan(s.q.get.QueryRow(args[0])); gerr == nil && got.CLTT == l.CLTT &&
				got.ValidLifetime == l.ValidLifetime && string(got.DUID) == string(l.DUID) && got.IAID == l.IAID && got.State == l.State {
				return nil
			}
		}
		return err
	})
	if err == nil && s.wt.active() {
		s.wt.notify(lease.Change6{Kind: lease.Updated, Old: old.Clone(), New: l.Clone()})
	}
	return err
}

// DeleteLease6Cond removes the lease of old.Addr only while it still
// expires when old does (Kea's DELETE ... WHERE address = ? AND expire =
// ?); lease.ErrNotFound when there is no lease or another writer changed
// it.
func (s *Store6) DeleteLease6Cond(old *lease.Lease6) error {
	if !old.Addr.Is6() {
		return lease.ErrNotFound
	}
	want, err := expireOf(old.CLTT, old.ValidLifetime)
	if err != nil {
		return err
	}
	key := old.Addr.String()
	err = s.c.Do(func(retry bool) error {
		err := changed(s.q.delCond.Exec(key, want))
		if retry && errors.Is(err, lease.ErrNotFound) {
			if _, gerr := s.scan(s.q.get.QueryRow(key)); errors.Is(gerr, sql.ErrNoRows) {
				return nil
			}
		}
		return err
	})
	if err == nil && s.wt.active() {
		s.wt.notify(lease.Change6{Kind: lease.Deleted, Old: old.Clone()})
	}
	return err
}

// txChange reads the row of key for update, runs change with cargs and
// commits; it returns the row as it was (for the watchers of an
// unconditional write).
func (s *Store6) txChange(change *sql.Stmt, key any, cargs []any) (*lease.Lease6, error) {
	tx, err := s.c.DB.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := s.scan(tx.Stmt(s.q.getForUpdate).QueryRow(key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lease.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.Stmt(change).Exec(cargs...); err != nil {
		return nil, err
	}
	return old, tx.Commit()
}

// DeleteLease6 removes the lease of addr; lease.ErrNotFound when none.
func (s *Store6) DeleteLease6(addr netip.Addr) error {
	if !addr.Is6() {
		return lease.ErrNotFound
	}
	key := addr.String()
	if s.wt.active() {
		var old *lease.Lease6
		err := s.c.Do(func(retry bool) error {
			var err error
			old, err = s.txChange(s.q.del, key, []any{key})
			if retry && errors.Is(err, lease.ErrNotFound) {
				return nil
			}
			return err
		})
		if err == nil && old != nil {
			s.wt.notify(lease.Change6{Kind: lease.Deleted, Old: old})
		}
		return err
	}
	return s.c.Do(func(retry bool) error {
		res, err := s.q.del.Exec(key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 && !retry {
			return lease.ErrNotFound
		}
		return nil
	})
}

// Lease6 returns the lease of addr if it has type t.
func (s *Store6) Lease6(t lease.Type, addr netip.Addr) (*lease.Lease6, error) {
	if !addr.Is6() {
		return nil, lease.ErrNotFound
	}
	return s.one(s.q.getType, addr.String(), int64(t))
}

// Leases6ByDUIDIAID returns the leases of one IA of a client.
func (s *Store6) Leases6ByDUIDIAID(t lease.Type, duid []byte, iaid uint32) ([]*lease.Lease6, error) {
	return s.many(s.q.byIA, duid, s.iaid(iaid), int64(t))
}

// Leases6ByDUIDIAIDSubnet is Leases6ByDUIDIAID within one subnet.
func (s *Store6) Leases6ByDUIDIAIDSubnet(t lease.Type, duid []byte, iaid uint32, subnetID uint32) ([]*lease.Lease6, error) {
	return s.many(s.q.byIASubnet, duid, s.iaid(iaid), int64(subnetID), int64(t))
}

// Leases6ByDUID returns every lease of a client.
func (s *Store6) Leases6ByDUID(duid []byte) ([]*lease.Lease6, error) {
	return s.many(s.q.byDUID, duid)
}

// Leases6ByHostname returns the leases with exactly this hostname.
func (s *Store6) Leases6ByHostname(hostname string) ([]*lease.Lease6, error) {
	return s.many(s.q.byHost, hostname)
}

// Leases6BySubnet returns the leases of a subnet.
func (s *Store6) Leases6BySubnet(subnetID uint32) ([]*lease.Lease6, error) {
	return s.many(s.q.bySubnet, int64(subnetID))
}

// Leases6Page returns up to limit leases after the address after.
func (s *Store6) Leases6Page(after netip.Addr, limit int) ([]*lease.Lease6, error) {
	if limit <= 0 {
		return nil, nil
	}
	if !after.Is6() {
		after = netip.IPv6Unspecified()
	}
	return s.many(s.q.page, after.String(), int64(limit))
}

// AllLeases6 returns every lease.
func (s *Store6) AllLeases6() ([]*lease.Lease6, error) { return s.many(s.q.all) }

// ExpiredLeases6 returns up to max leases expired before now and not reclaimed.
func (s *Store6) ExpiredLeases6(now int64, max int) ([]*lease.Lease6, error) {
	now = min(max64(now, 0), MaxDBTime)
	if max > 0 {
		return s.many(s.q.expiredLimit, now, int64(max))
	}
	return s.many(s.q.expired, now)
}

// DeleteExpiredReclaimedLeases6 deletes reclaimed leases expired before cutoff.
func (s *Store6) DeleteExpiredReclaimedLeases6(cutoff int64) (int, error) {
	cutoff = min(max64(cutoff, 0), MaxDBTime)
	return s.bulkDelete(s.q.selReclaimed, s.q.delReclaimed, cutoff)
}

// WipeLeases6 deletes every lease of a subnet.
func (s *Store6) WipeLeases6(subnetID uint32) (int, error) {
	return s.bulkDelete(s.q.selSubnet, s.q.wipe, int64(subnetID))
}

func (s *Store6) bulkDelete(sel, del *sql.Stmt, arg any) (int, error) {
	var gone []*lease.Lease6
	if s.wt.active() {
		var err error
		if gone, err = s.many(sel, arg); err != nil {
			return 0, err
		}
	}
	var n int64
	err := s.c.Do(func(bool) error {
		res, err := del.Exec(arg)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	for _, l := range gone {
		s.wt.notify(lease.Change6{Kind: lease.Deleted, Old: l})
	}
	return int(n), err
}

// LeaseStats6 reads the lease counts from Kea's statistics tables.
func (s *Store6) LeaseStats6(first, last uint32) ([]lease.StatRow, error) {
	if first == 0 && last == 0 {
		return statRows(s.c, s.q.stats, 0, true)
	}
	return statRows(s.c, s.q.statsRange, 0, true, int64(first), int64(last))
}

// Watch6 calls fn after each committed change made through this store.
func (s *Store6) Watch6(fn func(lease.Change6)) (cancel func()) { return s.wt.add(fn) }
