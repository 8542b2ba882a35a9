// Package mysql is the MySQL/MariaDB lease backend ("type": "mysql") on
// Kea's schema, through go-sql-driver/mysql: lease.Store4 and lease.Store6
// on Kea's lease4 and lease6 tables, and Nestor's own SQL to create that
// schema (at Kea 2.2's version 14.0 or Kea 2.6's 22.0) and upgrade it.
package mysql
