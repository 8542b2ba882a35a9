// Package pgsql is the PostgreSQL lease backend ("type": "postgresql") on
// Kea's schema, through pgx: lease.Store4 and lease.Store6 on Kea's lease4
// and lease6 tables, and Nestor's own SQL to create that schema (at Kea
// 2.2's version 13.0 or Kea 2.6's 22.0) and upgrade it.
package pgsql
