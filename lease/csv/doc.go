// Package csv reads and writes Kea's memfile lease files
// (kea-leases4.csv, kea-leases6.csv): the versioned column schemas, the
// header checks that let newer and older files load (Kea's
// VersionedCSVFile), Kea's &#xHH escaping, and the conversion of rows to
// and from lease.Lease4 and lease.Lease6.
package csv
