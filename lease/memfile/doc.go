// Package memfile is Kea's memfile lease backend: every lease in memory,
// indexed for the lookups the servers make, each change appended to a
// lease file in Kea's CSV format before the call returns, the file set
// reloaded at start as Kea reloads it, and the periodic lease file
// cleanup (LFC) started from here.
//
// Concurrency: leases live in 64 shards chosen by a hash of the address,
// each behind its own RWMutex, so lookups and updates of different
// addresses rarely meet on a lock; the secondary indexes (hardware
// address, client identifier, DUID and IAID) are sharded the same way by a
// hash of their key. A writer holds its address shard for the whole
// change (file row, primary entry, index entries), taking index shards
// inside it and never the other way round, so there is no lock-order
// cycle. Index readers take an index shard, copy the addresses, release
// it, then read each lease under its address shard and re-check the key,
// so a stale index entry is harmless. The lease file is a single append
// stream behind one mutex, held only for the write(2) of one row.
//
// Start-up: the lease files are parsed by several goroutines (package
// csv) and applied in file order to the address maps alone; the sorted
// sets and secondary indexes are then built once, per shard, in parallel.
// An index shard is a flat table of (key hash, address) pairs.
package memfile
