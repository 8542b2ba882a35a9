package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"sync/atomic"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// Schema versions Nestor knows: what Kea 2.2 and Kea 2.6 require.
var (
	Kea22 = sqlcommon.Version{Major: 14, Minor: 0}
	Kea26 = sqlcommon.Version{Major: 22, Minor: 0}
)

// DefaultVersion is the schema version Nestor's db-init creates: Kea
// 2.2's, so that Kea 2.2 servers can share the database.
var DefaultVersion = Kea22

// Dialect is the MySQL dialect of the common store code.
var Dialect = &sqlcommon.Dialect{
	Name: "MySQL",
	Open: openDB,
	Layouts: map[sqlcommon.Version]sqlcommon.Layout{
		Kea22:                 {Version: Kea22},
		Kea26:                 {Version: Kea26, PoolID: true, Addr6Native: true},
		{Major: 22, Minor: 1}: {Version: sqlcommon.Version{Major: 22, Minor: 1}, PoolID: true, Addr6Native: true},
		{Major: 22, Minor: 2}: {Version: sqlcommon.Version{Major: 22, Minor: 2}, PoolID: true, Addr6Native: true},
	},
	Want:      Kea26,
	ExpireCol: "UNIX_TIMESTAMP(expire)",
	TimeParam: func(ph string) string { return "FROM_UNIXTIME(" + ph + ")" },
	Addr6Col: func(l sqlcommon.Layout) string {
		if l.Addr6Native {
			return "INET6_NTOA(address)"
		}
		return "address"
	},
	Addr6Key: func(l sqlcommon.Layout) string {
		if l.Addr6Native {
			return "address"
		}
		return "INET6_ATON(address)"
	},
	Addr6Param: func(l sqlcommon.Layout, ph string) string {
		if l.Addr6Native {
			return "INET6_ATON(" + ph + ")"
		}
		return ph
	},
	Addr6KeyParam: func(l sqlcommon.Layout, ph string) string { return "INET6_ATON(" + ph + ")" },
	IsDuplicate:   func(err error) bool { return errNumber(err) == 1062 },
	IsConnError: func(err error) bool {
		switch errNumber(err) {
		case 1053, 1927, 2006, 2013: // shutdown, connection killed, server gone, lost connection
			return true
		case 1040, 1044, 1045, 4151: // a new connection refused: too many, access denied, account locked
			return true
		}
		return errors.Is(err, gomysql.ErrInvalidConn)
	},
	IsNoSchema: func(err error) bool { return errNumber(err) == 1146 },
	Init: func(ctx context.Context, db *sql.DB) error {
		return InitSchema(ctx, db, DefaultVersion)
	},
}

func errNumber(err error) uint16 {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

// SocketPath is the local server's unix socket: MYSQL_UNIX_PORT, or the
// first of the usual places that exists.
func SocketPath() string {
	if p := os.Getenv("MYSQL_UNIX_PORT"); p != "" {
		return p
	}
	for _, p := range []string{"/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/var/lib/mysql/mysql.sock", "/tmp/mysql.sock"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/run/mysqld/mysqld.sock"
}

var tlsSeq atomic.Int64

// The driver logs broken connections on its own; the store reports them
// through its errors and Config.Logf instead.
func init() { gomysql.SetLogger(log.New(io.Discard, "", 0)) }

// DriverConfig builds the driver configuration of cfg. As with Kea's
// client library, host "" or "localhost" means the local unix socket; a
// host starting with "/" is a socket path.
func DriverConfig(cfg *sqlcommon.Config) (*gomysql.Config, error) {
	c := gomysql.NewConfig()
	c.User = cfg.User
	c.Passwd = cfg.Password
	c.DBName = cfg.Name
	switch {
	case cfg.Host == "" || cfg.Host == "localhost":
		c.Net, c.Addr = "unix", SocketPath()
	case cfg.Host[0] == '/':
		c.Net, c.Addr = "unix", cfg.Host
	default:
		port := cfg.Port
		if port == 0 {
			port = 3306
		}
		c.Net, c.Addr = "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	}
	c.Timeout = cfg.ConnectTimeout
	if c.Timeout <= 0 {
		c.Timeout = sqlcommon.DefaultConnectTimeout
	}
	c.ReadTimeout = cfg.ReadTimeout
	c.WriteTimeout = cfg.WriteTimeout
	c.ClientFoundRows = true // UPDATE reports matched rows, as Kea expects
	tc, err := sqlcommon.TLSConfig(cfg, cfg.Host)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		name := "nestor" + strconv.FormatInt(tlsSeq.Add(1), 10)
		if err := gomysql.RegisterTLSConfig(name, tc); err != nil {
			return nil, err
		}
		c.TLSConfig = name
	}
	return c, nil
}

func openDB(cfg *sqlcommon.Config) (*sql.DB, error) {
	c, err := DriverConfig(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := gomysql.NewConnector(c)
	if err != nil {
		return nil, fmt.Errorf("invalid MySQL connection parameters: %w", err)
	}
	return sql.OpenDB(conn), nil
}

// Open4 opens a DHCPv4 lease store.
func Open4(cfg sqlcommon.Config) (*sqlcommon.Store4, error) { return sqlcommon.Open4(Dialect, cfg) }

// Open6 opens a DHCPv6 lease store.
func Open6(cfg sqlcommon.Config) (*sqlcommon.Store6, error) { return sqlcommon.Open6(Dialect, cfg) }

// OpenDB opens a plain connection pool for administration (no schema check).
func OpenDB(cfg sqlcommon.Config) (*sql.DB, error) { return openDB(&cfg) }
