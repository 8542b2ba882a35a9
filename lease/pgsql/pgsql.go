package pgsql

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// Schema versions Nestor knows: what Kea 2.2 and Kea 2.6 require.
var (
	Kea22 = sqlcommon.Version{Major: 13, Minor: 0}
	Kea26 = sqlcommon.Version{Major: 22, Minor: 0}
)

// DefaultVersion is the schema version Nestor's db-init creates: Kea
// 2.2's, so that the Kea 2.2 servers of a deployment can share the
// database (db-upgrade moves it to Kea26).
var DefaultVersion = Kea22

// Dialect is the PostgreSQL dialect of the common store code.
var Dialect = &sqlcommon.Dialect{
	Name:   "PostgreSQL",
	Dollar: true,
	Open:   openDB,
	Layouts: map[sqlcommon.Version]sqlcommon.Layout{
		Kea22:                 {Version: Kea22},
		Kea26:                 {Version: Kea26, PoolID: true, Addr6Native: true},
		{Major: 22, Minor: 1}: {Version: sqlcommon.Version{Major: 22, Minor: 1}, PoolID: true, Addr6Native: true},
		{Major: 22, Minor: 2}: {Version: sqlcommon.Version{Major: 22, Minor: 2}, PoolID: true, Addr6Native: true},
	},
	Want:      Kea26,
	ExpireCol: "CAST(extract(epoch FROM expire) AS BIGINT)",
	TimeParam: func(ph string) string { return "to_timestamp(CAST(" + ph + " AS BIGINT))" },
	Addr6Col: func(l sqlcommon.Layout) string {
		if l.Addr6Native {
			return "host(address)"
		}
		return "address"
	},
	Addr6Key: func(l sqlcommon.Layout) string {
		if l.Addr6Native {
			return "address"
		}
		return "CAST(address AS INET)"
	},
	Addr6Param: func(l sqlcommon.Layout, ph string) string {
		if l.Addr6Native {
			return "CAST(" + ph + " AS INET)"
		}
		return ph
	},
	Addr6KeyParam: func(l sqlcommon.Layout, ph string) string { return "CAST(" + ph + " AS INET)" },
	IAIDSigned:    true,
	IsDuplicate:   func(err error) bool { return sqlState(err) == "23505" },
	IsConnError: func(err error) bool {
		st := sqlState(err)
		// Class 08: connection exception; 57P0x: the server is shutting
		// down or the backend was terminated (pg_terminate_backend).
		if len(st) == 5 && (st[:2] == "08" || st[:4] == "57P0") {
			return true
		}
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			return true
		}
		return pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.Is(err, syscall.ECONNRESET) ||
			errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) || isClosedConn(err)
	},
	IsNoSchema: func(err error) bool { return sqlState(err) == "42P01" },
	Init: func(ctx context.Context, db *sql.DB) error {
		return InitSchema(ctx, db, DefaultVersion)
	},
}

func isClosedConn(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return false
	}
	s := err.Error()
	for _, x := range []string{"conn closed", "conn busy", "unexpected EOF", "broken pipe", "connection reset"} {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// ConnConfig builds the pgx configuration of cfg: Kea's defaults (host
// localhost, TCP), timeouts, TLS and tcp-user-timeout.
func ConnConfig(cfg *sqlcommon.Config) (*pgx.ConnConfig, error) {
	host := cfg.Host
	if host == "" {
		host = "localhost"
	}
	u := url.URL{Scheme: "postgres", Path: "/" + cfg.Name}
	q := url.Values{}
	q.Set("host", host)
	if cfg.Port > 0 {
		q.Set("port", strconv.Itoa(cfg.Port))
	}
	if cfg.User != "" {
		q.Set("user", cfg.User)
	}
	if cfg.Password != "" {
		q.Set("password", cfg.Password)
	}
	ct := cfg.ConnectTimeout
	if ct <= 0 {
		ct = sqlcommon.DefaultConnectTimeout
	}
	q.Set("connect_timeout", strconv.Itoa(int((ct+time.Second-1)/time.Second)))
	if cfg.TLS() {
		// Kea enables SSL when any TLS parameter is set; a trust anchor
		// makes libpq (and pgx) verify the server's certificate chain.
		q.Set("sslmode", "require")
		if cfg.TrustAnchor != "" {
			q.Set("sslrootcert", cfg.TrustAnchor)
			q.Set("sslmode", "verify-ca")
		}
		if cfg.CertFile != "" {
			q.Set("sslcert", cfg.CertFile)
			q.Set("sslkey", cfg.KeyFile)
		}
		if cfg.KeyPassword != "" {
			q.Set("sslpassword", cfg.KeyPassword)
		}
	} else {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	pc, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL connection parameters: %w", err)
	}
	if cfg.TLS() && cfg.CipherList != "" && pc.TLSConfig != nil {
		if suites, err := sqlcommon.CipherSuites(cfg.CipherList); err == nil {
			pc.TLSConfig.CipherSuites = suites
			pc.TLSConfig.MaxVersion = tls.VersionTLS12
		}
	}
	if t := cfg.TCPUserTimeout; t > 0 {
		d := &net.Dialer{KeepAlive: 5 * time.Minute, Control: func(network, address string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, int(t/time.Millisecond))
			})
			if err != nil {
				return err
			}
			if network == "unix" {
				return nil
			}
			return serr
		}}
		pc.DialFunc = d.DialContext
	}
	return pc, nil
}

func openDB(cfg *sqlcommon.Config) (*sql.DB, error) {
	pc, err := ConnConfig(cfg)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*pc), nil
}

// Open4 opens a DHCPv4 lease store.
func Open4(cfg sqlcommon.Config) (*sqlcommon.Store4, error) { return sqlcommon.Open4(Dialect, cfg) }

// Open6 opens a DHCPv6 lease store.
func Open6(cfg sqlcommon.Config) (*sqlcommon.Store6, error) { return sqlcommon.Open6(Dialect, cfg) }

// OpenDB opens a plain connection pool for administration (no schema check).
func OpenDB(cfg sqlcommon.Config) (*sql.DB, error) { return openDB(&cfg) }
