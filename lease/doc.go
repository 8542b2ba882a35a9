// Package lease holds Kea's lease records (Lease4, Lease6) with their
// textual forms, and the Store interfaces that every lease backend
// (memfile, PostgreSQL, MySQL) implements for the DHCP servers, the
// lease_cmds hook library and kea-admin.
//
// Field meanings, state numbers and text forms follow Kea 2.6
// (src/lib/dhcpsrv/lease.h) so that lease files, command answers and
// database rows stay interchangeable with Kea's.
package lease
