// Package leasedb opens the SQL lease databases (lease-database of type
// postgresql or mysql) for the DHCP servers, and turns the store's
// connection events into Kea's lost-connection behaviour: the server's
// DHCP service is stopped while the connection is down (on-fail
// stop-retry-exit), re-enabled on recovery, and the server exits when the
// reconnect tries are exhausted (on-fail stop-retry-exit and
// serve-retry-exit).
package leasedb

import (
	"errors"
	"fmt"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// IsSQL reports whether a lease-database entry names a SQL backend.
func IsSQL(db *config.Database) bool {
	return db != nil && (db.Type == "postgresql" || db.Type == "mysql")
}

// Server is what the lost-connection handling needs from a DHCP server.
type Server interface {
	// SetDBDown stops (true) or resumes (false) the DHCP service for the
	// database connection (Kea's NetworkState origin DB_CONNECTION);
	// control commands keep being answered.
	SetDBDown(down bool)
	// Exit stops the server with the exit value (Kea's shutdownServer).
	Exit(code int)
}

// Config reads the entry into the store configuration: poolSize is the
// number of connections (multi-threading's thread-pool-size when enabled,
// 0 for one per CPU).
func Config(db *config.Database, poolSize int) (sqlcommon.Config, error) {
	c, err := sqlcommon.FromDatabase(db, poolSize)
	if err != nil {
		return c, err
	}
	// Kea: reconnecting is disabled unless both max-reconnect-tries and
	// reconnect-wait-time are non-zero.
	if c.ReconnectWaitTime == 0 {
		c.MaxReconnectTries = 0
	}
	if c.OnFail == "" {
		c.OnFail = sqlcommon.StopRetryExit
	}
	return c, nil
}

// Key identifies the connection parameters of an entry, so that a
// reconfiguration keeps an open store when they did not change.
func Key(db *config.Database, c sqlcommon.Config) string {
	c.Events, c.Logf = sqlcommon.Events{}, nil
	return fmt.Sprintf("%s|%+v", db.Type, c)
}

// Events returns the store events for srv, logging Kea's
// DHCP4_DB_RECONNECT_* (pfx "DHCP4") or DHCP6_DB_RECONNECT_* messages to
// log.
func Events(srv Server, c sqlcommon.Config, log *klog.Logger, pfx string) sqlcommon.Events {
	msg := func(id string) *klog.Message { return keamsg.Lookup(pfx + "_DB_RECONNECT_" + id) }
	return sqlcommon.Events{
		Lost: func(of sqlcommon.OnFail) {
			// Kea alters the service state only for stop-retry-exit.
			if of == sqlcommon.StopRetryExit {
				srv.SetDBDown(true)
			}
			log.Info(msg("LOST_CONNECTION"))
			if c.MaxReconnectTries == 0 {
				log.Info(msg("DISABLED"), c.MaxReconnectTries, c.ReconnectWaitTime.Milliseconds())
			}
		},
		Recovered: func() {
			srv.SetDBDown(false)
			log.Info(msg("SUCCEEDED"))
		},
		Failed: func(of sqlcommon.OnFail) {
			srv.SetDBDown(false)
			if c.MaxReconnectTries > 0 {
				log.Info(msg("FAILED"), c.MaxReconnectTries)
			}
			if of != sqlcommon.ServeRetryContinue {
				srv.Exit(1)
			}
		},
	}
}

// Open4 opens a DHCPv4 SQL lease store.
func Open4(typ string, c sqlcommon.Config) (*sqlcommon.Store4, error) {
	var st *sqlcommon.Store4
	var err error
	if typ == "postgresql" {
		st, err = pgsql.Open4(c)
	} else {
		st, err = mysql.Open4(c)
	}
	return st, OpenError(c, err)
}

// Open6 opens a DHCPv6 SQL lease store.
func Open6(typ string, c sqlcommon.Config) (*sqlcommon.Store6, error) {
	var st *sqlcommon.Store6
	var err error
	if typ == "postgresql" {
		st, err = pgsql.Open6(c)
	} else {
		st, err = mysql.Open6(c)
	}
	return st, OpenError(c, err)
}

// OpenError words a failure to open the database as Kea does: "Unable to
// open database: " and the client library's message (libpq's for a unix
// socket: 'connection to server on socket "DIR/.s.PGSQL.5432" failed:
// FATAL:  ...'; MySQL's server message).
func OpenError(c sqlcommon.Config, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	var me *gomysql.MySQLError
	switch {
	case errors.As(err, &pe):
		msg := pe.Severity + ":  " + pe.Message
		if strings.HasPrefix(c.Host, "/") {
			port := c.Port
			if port == 0 {
				port = 5432
			}
			msg = fmt.Sprintf("connection to server on socket \"%s/.s.PGSQL.%d\" failed: %s", c.Host, port, msg)
		}
		return fmt.Errorf("Unable to open database: %s", msg)
	case errors.As(err, &me):
		return fmt.Errorf("Unable to open database: %s", me.Message)
	}
	return fmt.Errorf("Unable to open database: %w", err)
}
