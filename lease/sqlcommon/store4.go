package sqlcommon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// Store4 is a lease.Store4 on Kea's lease4 table.
type Store4 struct {
	c  *Conn
	d  *Dialect
	wt watchers[lease.Change4]
	q  queries4
}

var (
	_ lease.Store4        = (*Store4)(nil)
	_ lease.SharedStore4  = (*Store4)(nil)
	_ lease.ClientLeaser4 = (*Store4)(nil)
)

type queries4 struct {
	cols                                         string
	insert, update, del, get                     *sql.Stmt
	updateCond, delCond, getForUpdate            *sql.Stmt
	byHW, byHWSubnet, byCID, byCIDSubnet, byHost *sql.Stmt
	bySubnet, page, all, expired, expiredLimit   *sql.Stmt
	delReclaimed, wipe, stats, statsRange        *sql.Stmt
	selReclaimed, selSubnet, byClient            *sql.Stmt
}

// Open4 connects to the database described by cfg and prepares the DHCPv4
// statements.
func Open4(d *Dialect, cfg Config) (*Store4, error) {
	s := &Store4{d: d}
	c, err := Open(d, cfg, s.prepare)
	if err != nil {
		return nil, err
	}
	s.c = c
	return s, nil
}

// Conn returns the store's connection (for its state and the raw pool).
func (s *Store4) Conn() *Conn { return s.c }

// Close closes the connection pool.
func (s *Store4) Close() error { return s.c.Close() }

func (s *Store4) prepare(c *Conn, l Layout) (err error) {
	s.c = c
	d := s.d
	db := s.c.DB
	cols := "address, hwaddr, client_id, valid_lifetime, " + d.ExpireCol + ", subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context"
	wcols := "address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context"
	vals := "?, ?, ?, ?, " + d.TimeParam("?") + ", ?, ?, ?, ?, ?, ?"
	set := "hwaddr = ?, client_id = ?, valid_lifetime = ?, expire = " + d.TimeParam("?") + ", subnet_id = ?, fqdn_fwd = ?, fqdn_rev = ?, hostname = ?, state = ?, user_context = ?"
	if l.PoolID {
		cols += ", pool_id"
		wcols += ", pool_id"
		vals += ", ?"
		set += ", pool_id = ?"
	}
	q := &s.q
	q.cols = cols
	sel := "SELECT " + cols + " FROM lease4 "
	p := func(dst **sql.Stmt, query string) {
		if err != nil {
			return
		}
		*dst, err = db.Prepare(d.rebind(query))
		if err != nil {
			err = fmt.Errorf("preparing %q: %w", query, err)
		}
	}
	p(&q.insert, "INSERT INTO lease4 ("+wcols+") VALUES ("+vals+")")
	p(&q.update, "UPDATE lease4 SET "+set+" WHERE address = ?")
	p(&q.del, "DELETE FROM lease4 WHERE address = ?")
	// Kea's conditional forms: one statement, no transaction.
	p(&q.updateCond, "UPDATE lease4 SET "+set+" WHERE address = ? AND expire = "+d.TimeParam("?"))
	p(&q.delCond, "DELETE FROM lease4 WHERE address = ? AND expire = "+d.TimeParam("?"))
	p(&q.get, sel+"WHERE address = ?")
	p(&q.getForUpdate, sel+"WHERE address = ? FOR UPDATE")
	// The client's leases by client identifier and by hardware address,
	// and the lease of an address, in one round trip (ClientLeases4).
	p(&q.byClient, "SELECT 1, "+cols+" FROM lease4 WHERE client_id = ? UNION ALL SELECT 2, "+cols+
		" FROM lease4 WHERE hwaddr = ? UNION ALL SELECT 3, "+cols+" FROM lease4 WHERE address = ? ORDER BY 1, 2")
	p(&q.byHW, sel+"WHERE hwaddr = ? ORDER BY address")
	p(&q.byHWSubnet, sel+"WHERE hwaddr = ? AND subnet_id = ? ORDER BY address LIMIT 1")
	p(&q.byCID, sel+"WHERE client_id = ? ORDER BY address")
	p(&q.byCIDSubnet, sel+"WHERE client_id = ? AND subnet_id = ? ORDER BY address LIMIT 1")
	p(&q.byHost, sel+"WHERE hostname = ? ORDER BY address")
	p(&q.bySubnet, sel+"WHERE subnet_id = ? ORDER BY address")
	p(&q.page, sel+"WHERE address > ? ORDER BY address LIMIT ?")
	p(&q.all, sel+"ORDER BY address")
	exp := sel + "WHERE state != 2 AND valid_lifetime != 4294967295 AND expire < " + d.TimeParam("?") + " ORDER BY expire, address"
	p(&q.expired, exp)
	p(&q.expiredLimit, exp+" LIMIT ?")
	p(&q.delReclaimed, "DELETE FROM lease4 WHERE state = 2 AND expire < "+d.TimeParam("?"))
	p(&q.selReclaimed, sel+"WHERE state = 2 AND expire < "+d.TimeParam("?")+" ORDER BY address")
	p(&q.wipe, "DELETE FROM lease4 WHERE subnet_id = ?")
	p(&q.selSubnet, sel+"WHERE subnet_id = ? ORDER BY address")
	if l.PoolID {
		p(&q.stats, "SELECT subnet_id, pool_id, state, leases FROM lease4_pool_stat WHERE leases > 0 ORDER BY subnet_id, pool_id, state")
		p(&q.statsRange, "SELECT subnet_id, pool_id, state, leases FROM lease4_pool_stat WHERE leases > 0 AND subnet_id >= ? AND subnet_id <= ? ORDER BY subnet_id, pool_id, state")
	} else {
		p(&q.stats, "SELECT subnet_id, 0, state, leases FROM lease4_stat WHERE leases > 0 ORDER BY subnet_id, state")
		p(&q.statsRange, "SELECT subnet_id, 0, state, leases FROM lease4_stat WHERE leases > 0 AND subnet_id >= ? AND subnet_id <= ? ORDER BY subnet_id, state")
	}
	return err
}

func addr4(a netip.Addr) int64 {
	b := a.As4()
	return int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
}

// args4 returns the column values of l in insert order (address first),
// pool_id last when the layout has it.
func (s *Store4) args4(l *lease.Lease4) ([]any, error) {
	if err := check4(l); err != nil {
		return nil, fmt.Errorf("%s: %w", s.d.Name, err)
	}
	exp, err := expireOf(l.CLTT, l.ValidLifetime)
	if err != nil {
		return nil, err
	}
	// No hardware address is stored as empty, not NULL: Kea 2.2's MySQL
	// backend reads a NULL hwaddr as the previous row's.
	hw := l.HWAddr.Bytes
	if hw == nil {
		hw = []byte{}
	}
	a := []any{addr4(l.Addr), hw, nullBytes(l.ClientID), int64(l.ValidLifetime), exp,
		int64(l.SubnetID), l.FQDNFwd, l.FQDNRev, l.Hostname, int64(l.State), nullText(l.UserContext)}
	if s.c.Layout.PoolID {
		a = append(a, int64(l.PoolID))
	}
	return a, nil
}

type scanner interface{ Scan(dest ...any) error }

func (s *Store4) scan(r scanner) (*lease.Lease4, error) { return s.scanWith(r) }

// scanWith scans a row whose columns before the lease's are pre.
func (s *Store4) scanWith(r scanner, pre ...any) (*lease.Lease4, error) {
	var (
		addr, state              int64
		hw, cid                  []byte
		valid, exp, subnet, pool sql.NullInt64
		fwd, rev                 sql.NullBool
		host, uc                 sql.NullString
	)
	dst := append(pre, &addr, &hw, &cid, &valid, &exp, &subnet, &fwd, &rev, &host, &state, &uc)
	if s.c.Layout.PoolID {
		dst = append(dst, &pool)
	}
	if err := r.Scan(dst...); err != nil {
		return nil, err
	}
	l := &lease.Lease4{
		Addr:          netip.AddrFrom4([4]byte{byte(addr >> 24), byte(addr >> 16), byte(addr >> 8), byte(addr)}),
		ValidLifetime: uint32(valid.Int64),
		SubnetID:      uint32(subnet.Int64),
		PoolID:        uint32(pool.Int64),
		FQDNFwd:       fwd.Bool,
		FQDNRev:       rev.Bool,
		Hostname:      host.String,
		State:         lease.State(state),
	}
	l.CLTT = clttOf(exp.Int64, l.ValidLifetime)
	if len(hw) > 0 {
		l.HWAddr = lease.HWAddr{Bytes: hw, Type: lease.HTypeEther}
	}
	if len(cid) > 0 {
		l.ClientID = cid
	}
	if uc.String != "" {
		l.UserContext = []byte(uc.String)
	}
	return l, nil
}

func (s *Store4) one(st *sql.Stmt, args ...any) (*lease.Lease4, error) {
	var l *lease.Lease4
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

func (s *Store4) many(st *sql.Stmt, args ...any) ([]*lease.Lease4, error) {
	var out []*lease.Lease4
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

// AddLease4 inserts l; lease.ErrExists when the address is taken.
func (s *Store4) AddLease4(l *lease.Lease4) error {
	args, err := s.args4(l)
	if err != nil {
		return err
	}
	err = s.c.Do(func(retry bool) error {
		_, err := s.q.insert.Exec(args...)
		if err != nil && s.d.IsDuplicate(err) {
			if retry {
				// The first attempt may have committed before the
				// connection broke: the row we wrote is ours.
				if got, gerr := s.scan(s.q.get.QueryRow(args[0])); gerr == nil && equal4(got, l, s.c.Layout) {
					return nil
				}
			}
			return lease.ErrExists
		}
		return err
	})
	if err == nil && s.wt.active() {
		s.wt.notify(lease.Change4{Kind: lease.Added, New: l.Clone()})
	}
	return err
}

func equal4(a, b *lease.Lease4, lay Layout) bool {
	x, y := *a, *b
	if !lay.PoolID {
		x.PoolID, y.PoolID = 0, 0
	}
	return x.Addr == y.Addr && x.CLTT == y.CLTT && x.ValidLifetime == y.ValidLifetime && x.SubnetID == y.SubnetID &&
		x.PoolID == y.PoolID && x.State == y.State && x.Hostname == y.Hostname && string(x.HWAddr.Bytes) == string(y.HWAddr.Bytes) &&
		string(x.ClientID) == string(y.ClientID)
}

// UpdateLease4 replaces the lease of l.Addr; lease.ErrNotFound when none.
func (s *Store4) UpdateLease4(l *lease.Lease4) error {
	args, err := s.args4(l)
	if err != nil {
		return err
	}
	uargs := append(append([]any(nil), args[1:]...), args[0])
	if s.wt.active() {
		var old *lease.Lease4
		err = s.c.Do(func(bool) error {
			var err error
			old, err = s.txChange(s.q.update, args[0], uargs)
			return err
		})
		if err == nil {
			s.wt.notify(lease.Change4{Kind: lease.Updated, Old: old, New: l.Clone()})
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

// UpdateLease4Cond replaces the lease of l.Addr only while the stored lease
// still expires when old does, with Kea's single statement (UPDATE ...
// WHERE address = ? AND expire = ?); lease.ErrNotFound when there is no
// lease or another writer changed it. Watchers get old as the previous
// lease: the row matched its expiration time.
func (s *Store4) UpdateLease4Cond(l, old *lease.Lease4) error {
	args, err := s.args4(l)
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
			if got, gerr := s.scan(s.q.get.QueryRow(args[0])); gerr == nil && equal4(got, l, s.c.Layout) {
				return nil
			}
		}
		return err
	})
	if err == nil && s.wt.active() {
		s.wt.notify(lease.Change4{Kind: lease.Updated, Old: old.Clone(), New: l.Clone()})
	}
	return err
}

// changed turns the result of a conditional write into lease.ErrNotFound
// when no row matched.
func changed(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return lease.ErrNotFound
	}
	return nil
}

// DeleteLease4Cond removes the lease of old.Addr only while it still
// expires when old does (Kea's DELETE ... WHERE address = ? AND expire =
// ?); lease.ErrNotFound when there is no lease or another writer changed
// it.
func (s *Store4) DeleteLease4Cond(old *lease.Lease4) error {
	if !old.Addr.Is4() {
		return lease.ErrNotFound
	}
	want, err := expireOf(old.CLTT, old.ValidLifetime)
	if err != nil {
		return err
	}
	key := addr4(old.Addr)
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
		s.wt.notify(lease.Change4{Kind: lease.Deleted, Old: old.Clone()})
	}
	return err
}

// txChange reads the row of key for update, runs change with cargs and
// commits; it returns the row as it was (for the watchers of an
// unconditional write).
func (s *Store4) txChange(change *sql.Stmt, key any, cargs []any) (*lease.Lease4, error) {
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

// DeleteLease4 removes the lease of addr; lease.ErrNotFound when none.
func (s *Store4) DeleteLease4(addr netip.Addr) error {
	if !addr.Is4() {
		return lease.ErrNotFound
	}
	key := addr4(addr)
	if s.wt.active() {
		var old *lease.Lease4
		err := s.c.Do(func(retry bool) error {
			var err error
			old, err = s.txChange(s.q.del, key, []any{key})
			if retry && errors.Is(err, lease.ErrNotFound) {
				return nil
			}
			return err
		})
		if err == nil && old != nil {
			s.wt.notify(lease.Change4{Kind: lease.Deleted, Old: old})
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

// Lease4 returns the lease of addr.
func (s *Store4) Lease4(addr netip.Addr) (*lease.Lease4, error) {
	if !addr.Is4() {
		return nil, lease.ErrNotFound
	}
	return s.one(s.q.get, addr4(addr))
}

// Leases4ByHWAddr returns the leases of a hardware address.
func (s *Store4) Leases4ByHWAddr(hw []byte) ([]*lease.Lease4, error) {
	if len(hw) == 0 { // declined leases store an empty one
		return nil, nil
	}
	return s.many(s.q.byHW, hw)
}

// Lease4ByHWAddrSubnet returns the lease of hw in a subnet.
func (s *Store4) Lease4ByHWAddrSubnet(hw []byte, subnetID uint32) (*lease.Lease4, error) {
	if len(hw) == 0 {
		return nil, lease.ErrNotFound
	}
	return s.one(s.q.byHWSubnet, hw, int64(subnetID))
}

// Leases4ByClientID returns the leases of a client identifier.
func (s *Store4) Leases4ByClientID(clientID []byte) ([]*lease.Lease4, error) {
	if len(clientID) == 0 {
		return nil, nil
	}
	return s.many(s.q.byCID, clientID)
}

// Lease4ByClientIDSubnet returns the lease of a client identifier in a subnet.
func (s *Store4) Lease4ByClientIDSubnet(clientID []byte, subnetID uint32) (*lease.Lease4, error) {
	if len(clientID) == 0 {
		return nil, lease.ErrNotFound
	}
	return s.one(s.q.byCIDSubnet, clientID, int64(subnetID))
}

// ClientLeases4 reads the leases of a client identifier, of a hardware
// address and of an address with one statement (lease.ClientLeaser4).
func (s *Store4) ClientLeases4(clientID, hw []byte, addr netip.Addr) (byCID, byHW []*lease.Lease4, at *lease.Lease4, err error) {
	var cid, hwa, a any // NULL matches nothing
	if len(clientID) > 0 {
		cid = clientID
	}
	if len(hw) > 0 { // declined leases store an empty one
		hwa = hw
	}
	if addr.Is4() {
		a = addr4(addr)
	}
	if cid == nil && hwa == nil && a == nil {
		return nil, nil, nil, nil
	}
	err = s.c.Do(func(bool) error {
		byCID, byHW, at = nil, nil, nil
		rows, err := s.q.byClient.Query(cid, hwa, a)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind int64
			l, err := s.scanWith(rows, &kind)
			if err != nil {
				return err
			}
			switch kind {
			case 1:
				byCID = append(byCID, l)
			case 2:
				byHW = append(byHW, l)
			default:
				at = l
			}
		}
		return rows.Err()
	})
	return byCID, byHW, at, err
}

// Leases4ByHostname returns the leases with exactly this hostname.
func (s *Store4) Leases4ByHostname(hostname string) ([]*lease.Lease4, error) {
	return s.many(s.q.byHost, hostname)
}

// Leases4BySubnet returns the leases of a subnet.
func (s *Store4) Leases4BySubnet(subnetID uint32) ([]*lease.Lease4, error) {
	return s.many(s.q.bySubnet, int64(subnetID))
}

// Leases4Page returns up to limit leases after the address after.
func (s *Store4) Leases4Page(after netip.Addr, limit int) ([]*lease.Lease4, error) {
	if limit <= 0 {
		return nil, nil
	}
	var a int64
	if after.Is4() {
		a = addr4(after)
	}
	return s.many(s.q.page, a, int64(limit))
}

// AllLeases4 returns every lease.
func (s *Store4) AllLeases4() ([]*lease.Lease4, error) { return s.many(s.q.all) }

// ExpiredLeases4 returns up to max leases expired before now and not reclaimed.
func (s *Store4) ExpiredLeases4(now int64, max int) ([]*lease.Lease4, error) {
	now = min(max64(now, 0), MaxDBTime)
	if max > 0 {
		return s.many(s.q.expiredLimit, now, int64(max))
	}
	return s.many(s.q.expired, now)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// DeleteExpiredReclaimedLeases4 deletes reclaimed leases expired before cutoff.
func (s *Store4) DeleteExpiredReclaimedLeases4(cutoff int64) (int, error) {
	cutoff = min(max64(cutoff, 0), MaxDBTime)
	return s.bulkDelete(s.q.selReclaimed, s.q.delReclaimed, cutoff)
}

// WipeLeases4 deletes every lease of a subnet.
func (s *Store4) WipeLeases4(subnetID uint32) (int, error) {
	return s.bulkDelete(s.q.selSubnet, s.q.wipe, int64(subnetID))
}

func (s *Store4) bulkDelete(sel, del *sql.Stmt, arg any) (int, error) {
	var gone []*lease.Lease4
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
		s.wt.notify(lease.Change4{Kind: lease.Deleted, Old: l})
	}
	return int(n), err
}

// LeaseStats4 reads the lease counts from Kea's statistics tables
// (lease4_pool_stat, or lease4_stat before Kea 2.6), which the database
// triggers keep for the default and declined states.
func (s *Store4) LeaseStats4(first, last uint32) ([]lease.StatRow, error) {
	if first == 0 && last == 0 {
		return statRows(s.c, s.q.stats, lease.TypeV4, false)
	}
	return statRows(s.c, s.q.statsRange, lease.TypeV4, false, int64(first), int64(last))
}

func statRows(c *Conn, st *sql.Stmt, t lease.Type, withType bool, args ...any) ([]lease.StatRow, error) {
	var out []lease.StatRow
	err := c.Do(func(bool) error {
		out = out[:0]
		rows, err := st.Query(args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var subnet, pool, typ, state, n int64
			dst := []any{&subnet, &pool, &state, &n}
			if withType {
				dst = []any{&subnet, &pool, &typ, &state, &n}
			}
			if err := rows.Scan(dst...); err != nil {
				return err
			}
			r := lease.StatRow{SubnetID: uint32(subnet), PoolID: uint32(pool), Type: t, State: lease.State(state), Count: n}
			if withType {
				r.Type = lease.Type(typ)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// Watch4 calls fn after each committed change made through this store.
// Changes made by other servers sharing the database are not seen.
func (s *Store4) Watch4(fn func(lease.Change4)) (cancel func()) { return s.wt.add(fn) }
