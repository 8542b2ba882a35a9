// Package sqlhosts reads host reservations from Kea's hosts database
// schema on PostgreSQL or MySQL/MariaDB (hosts-database /
// hosts-databases): the hosts, ipv6_reservations, dhcp4_options and
// dhcp6_options tables as Kea 2.2's host data sources write them. It is
// the read path the DHCP servers use (lookups by identifier and subnet,
// by identifier in any subnet, by address); writing (the host_cmds
// commands) is not implemented.
package sqlhosts

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/option"
)

// Store is one hosts database. It implements host.Store4 and
// host.Store6. Lookups that fail (the database is unreachable) are logged
// and find nothing.
type Store struct {
	c       *sqlcommon.Conn
	db      *sql.DB
	pg      bool
	log     *slog.Logger
	timeout time.Duration
}

var (
	_ host.Store4 = (*Store)(nil)
	_ host.Store6 = (*Store)(nil)
)

// Open connects to the database named by a hosts-database entry (typ
// "postgresql" or "mysql") and checks that it holds Kea's schema at a
// version Nestor knows (the database is never initialised). The
// connection has the lease stores' lost-connection handling: c.Events
// tells the server, as for the lease database.
func Open(typ string, c sqlcommon.Config, log *slog.Logger) (*Store, error) {
	s := &Store{log: log, timeout: sqlcommon.DefaultConnectTimeout}
	if c.ConnectTimeout > 0 {
		s.timeout = c.ConnectTimeout
	}
	var d *sqlcommon.Dialect
	switch typ {
	case "postgresql":
		d, s.pg = pgsql.Dialect, true
	case "mysql":
		d = mysql.Dialect
	default:
		return nil, fmt.Errorf("hosts database type %s is not supported", typ)
	}
	if c.PoolSize <= 0 {
		c.PoolSize = 2
	}
	c.Readonly = true // never create the schema
	conn, err := sqlcommon.Open(d, c, nil)
	if err != nil {
		return nil, err
	}
	s.c, s.db = conn, conn.DB
	return s, nil
}

// Conn is the connection pool with its lost-connection state.
func (s *Store) Conn() *sqlcommon.Conn { return s.c }

// addr6 returns the select expression of ipv6_reservations.address and
// the parameter expression compared with it: Kea 2.2's schemas
// (PostgreSQL 13, MySQL 14) keep IPv6 reservations as text, Kea 2.6's as
// INET / BINARY(16).
func (s *Store) addr6() (col, param string) {
	switch native := s.c.Layout.Addr6Native; {
	case s.pg && native:
		return "host(r.address)", "CAST(? AS INET)"
	case native:
		return "INET6_NTOA(r.address)", "INET6_ATON(?)"
	}
	return "r.address", "?"
}

// do runs a lookup through the connection's retry and lost-connection
// handling; a failure is logged and the lookup finds nothing.
func (s *Store) do(what string, op func(ctx context.Context) error) bool {
	err := s.c.Do(func(bool) error {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		defer cancel()
		return op(ctx)
	})
	if err != nil {
		s.fail(what, err)
		return false
	}
	return true
}

// Close closes the connections.
func (s *Store) Close() error { return s.c.Close() }

// q rewrites ? placeholders as $n for PostgreSQL.
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Store) fail(what string, err error) {
	if s.log != nil {
		s.log.Error("hosts database lookup failed", "lookup", what, "error", err)
	}
}

const hostCols4 = "h.host_id, h.dhcp_identifier, h.dhcp_identifier_type, h.dhcp4_subnet_id, h.ipv4_address, h.hostname, " +
	"h.dhcp4_client_classes, h.dhcp4_next_server, h.dhcp4_server_hostname, h.dhcp4_boot_file_name, h.user_context"

// Get4 returns the host of a subnet (0: global) with the identifier.
func (s *Store) Get4(subnetID uint32, t host.IdentifierType, id []byte) *host.Host {
	hs := s.hosts4("Get4", "h.dhcp_identifier = ? AND h.dhcp_identifier_type = ? AND h.dhcp4_subnet_id = ?", id, int(t), int64(subnetID))
	if len(hs) == 0 {
		return nil
	}
	return hs[0]
}

// GetAll4 returns the hosts with the identifier in any subnet.
func (s *Store) GetAll4(t host.IdentifierType, id []byte) []*host.Host {
	return s.hosts4("GetAll4", "h.dhcp_identifier = ? AND h.dhcp_identifier_type = ?", id, int(t))
}

// GetByAddress4 returns the hosts of a subnet reserving addr.
func (s *Store) GetByAddress4(subnetID uint32, addr netip.Addr) []*host.Host {
	if !addr.Is4() {
		return nil
	}
	b := addr.As4()
	v := int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
	return s.hosts4("GetByAddress4", "h.ipv4_address = ? AND h.dhcp4_subnet_id = ?", v, int64(subnetID))
}

func (s *Store) hosts4(what, where string, args ...any) []*host.Host {
	var out []*host.Host
	ok := s.do(what, func(ctx context.Context) error {
		var err error
		out, err = s.query4(ctx, where, args)
		return err
	})
	if !ok {
		return nil
	}
	return out
}

func (s *Store) query4(ctx context.Context, where string, args []any) ([]*host.Host, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+hostCols4+" FROM hosts h WHERE "+where+" ORDER BY h.host_id"), args...)
	if err != nil {
		return nil, err
	}
	var out []*host.Host
	var ids []int64
	for rows.Next() {
		var (
			hid                        int64
			ident                      []byte
			itype                      int
			subnet, v4, next           sql.NullInt64
			name, classes, sname, file sql.NullString
			uctx                       sql.NullString
		)
		if err := rows.Scan(&hid, &ident, &itype, &subnet, &v4, &name, &classes, &next, &sname, &file, &uctx); err != nil {
			rows.Close()
			return nil, err
		}
		h := &host.Host{IdentifierType: host.IdentifierType(itype), Identifier: ident, SubnetID: uint32(subnet.Int64),
			Hostname: name.String, ClientClasses: splitClasses(classes.String)}
		if v4.Valid && v4.Int64 != 0 {
			h.IPv4 = u32Addr(uint32(v4.Int64))
		}
		if next.Valid && next.Int64 != 0 {
			h.NextServer = config.Opt[string]{V: u32Addr(uint32(next.Int64)).String(), Set: true}
		}
		if sname.Valid && sname.String != "" {
			h.ServerHostname = config.Opt[string]{V: sname.String, Set: true}
		}
		if file.Valid && file.String != "" {
			h.BootFileName = config.Opt[string]{V: file.String, Set: true}
		}
		h.UserContext = userContext(uctx)
		out = append(out, h)
		ids = append(ids, hid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, h := range out {
		if h.Options, err = s.options(ctx, "dhcp4_options", option.SpaceDHCP4, ids[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get6 returns the DHCPv6 host of a subnet (0: global) with the identifier.
func (s *Store) Get6(subnetID uint32, t host.IdentifierType, id []byte) *host.Host6 {
	hs := s.hosts6("Get6", "h.dhcp_identifier = ? AND h.dhcp_identifier_type = ? AND h.dhcp6_subnet_id = ?", id, int(t), int64(subnetID))
	if len(hs) == 0 {
		return nil
	}
	return hs[0]
}

// GetByAddress6 returns the hosts of a subnet reserving the address
// (prefix length 128) or prefix.
func (s *Store) GetByAddress6(subnetID uint32, p netip.Prefix) []*host.Host6 {
	return s.hosts6("GetByAddress6", "", int64(subnetID), p.Addr().String(), p.Bits())
}

// hosts6 runs a DHCPv6 host query; where "" is the by-address lookup,
// whose expression depends on the schema.
func (s *Store) hosts6(what, where string, args ...any) []*host.Host6 {
	var out []*host.Host6
	ok := s.do(what, func(ctx context.Context) error {
		w := where
		if w == "" {
			_, param := s.addr6()
			w = "h.dhcp6_subnet_id = ? AND h.host_id IN (SELECT r.host_id FROM ipv6_reservations r WHERE r.address = " +
				param + " AND r.prefix_len = ?)"
		}
		var err error
		out, err = s.query6(ctx, w, args)
		return err
	})
	if !ok {
		return nil
	}
	return out
}

func (s *Store) query6(ctx context.Context, where string, args []any) ([]*host.Host6, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT h.host_id, h.dhcp_identifier, h.dhcp_identifier_type, h.dhcp6_subnet_id, "+
		"h.hostname, h.dhcp6_client_classes, h.user_context FROM hosts h WHERE "+where+" ORDER BY h.host_id"), args...)
	if err != nil {
		return nil, err
	}
	var out []*host.Host6
	var ids []int64
	for rows.Next() {
		var (
			hid           int64
			ident         []byte
			itype         int
			subnet        sql.NullInt64
			name, classes sql.NullString
			uctx          sql.NullString
		)
		if err := rows.Scan(&hid, &ident, &itype, &subnet, &name, &classes, &uctx); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &host.Host6{IdentifierType: host.IdentifierType(itype), Identifier: ident, SubnetID: uint32(subnet.Int64),
			Hostname: name.String, ClientClasses: splitClasses(classes.String), UserContext: userContext(uctx)})
		ids = append(ids, hid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, h := range out {
		if err := s.reservations6(ctx, h, ids[i]); err != nil {
			return nil, err
		}
		if h.Options, err = s.options(ctx, "dhcp6_options", option.SpaceDHCP6, ids[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reservations6 reads the addresses (type 0) and prefixes (type 2) of a
// host, in the order they were added.
func (s *Store) reservations6(ctx context.Context, h *host.Host6, hostID int64) error {
	col, _ := s.addr6()
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+col+", r.prefix_len, r.type FROM ipv6_reservations r WHERE r.host_id = ? ORDER BY r.reservation_id"), hostID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var plen, typ int
		if err := rows.Scan(&a, &plen, &typ); err != nil {
			return err
		}
		addr, err := netip.ParseAddr(strings.TrimSuffix(a, "/128"))
		if err != nil {
			return fmt.Errorf("ipv6_reservations: %w", err)
		}
		if typ == 2 {
			h.Prefixes = append(h.Prefixes, netip.PrefixFrom(addr, plen))
		} else {
			h.Addresses = append(h.Addresses, addr)
		}
	}
	return rows.Err()
}

// options reads the options of a host. Kea writes each option's wire
// payload (without code and length) into value, and the text it was
// given into formatted_value.
func (s *Store) options(ctx context.Context, table, defSpace string, hostID int64) ([]*config.OptionData, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT code, value, formatted_value, space, persistent FROM "+table+
		" WHERE host_id = ? ORDER BY option_id"), hostID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*config.OptionData
	for rows.Next() {
		var code int
		var value []byte
		var formatted, space sql.NullString
		var persistent bool
		if err := rows.Scan(&code, &value, &formatted, &space, &persistent); err != nil {
			return nil, err
		}
		sp := space.String
		if sp == "" {
			sp = defSpace
		}
		od := &config.OptionData{Code: config.Opt[uint16]{V: uint16(code), Set: true}, Space: sp,
			Data: formatted.String, AlwaysSend: persistent, Payload: value}
		u := option.V4
		if defSpace == option.SpaceDHCP6 {
			u = option.V6
		}
		od.Def = option.Standard(u).Lookup(sp, uint16(code))
		if len(value) == 0 && formatted.String != "" && od.Def != nil {
			// Only the text: encode it as the definition says.
			if od.Payload, err = od.Def.ParseDataIn(u, formatted.String, true); err != nil {
				return nil, fmt.Errorf("%s: option %d: %w", table, code, err)
			}
		}
		out = append(out, od)
	}
	return out, rows.Err()
}

func splitClasses(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func u32Addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// userContext keeps the user context's text as a string node (the
// servers do not interpret host user contexts).
func userContext(s sql.NullString) *config.Node {
	if !s.Valid || s.String == "" {
		return nil
	}
	return config.NewString(s.String)
}
