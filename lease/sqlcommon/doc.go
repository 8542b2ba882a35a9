// Package sqlcommon is the part of the PostgreSQL and MySQL lease backends
// that does not depend on the database: the lease-database connection
// parameters, the lease.Store4/Store6 implementation over database/sql on
// Kea's lease4/lease6 tables, Kea's schema versions and the lost-connection
// recovery (max-reconnect-tries, reconnect-wait-time, on-fail).
//
// The backends (lease/pgsql, lease/mysql) supply a Dialect: the SQL text for
// their column types and the way they open connections.
package sqlcommon
