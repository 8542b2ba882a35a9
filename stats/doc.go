// Package stats is Kea's statistics manager: named observations (integer,
// big integer, float, duration, string) with their samples, the statistic-*
// commands, and a Prometheus view of the same registry.
//
// # Samples and limits
//
// Every update records a sample (value and time), newest first, printed as
// Kea prints them: [ [ 5, "2024-01-02 10:11:12.123456" ], ... ] (local
// time, microseconds). A statistic keeps at most 20 samples by default; a
// count limit (statistic-sample-count-set) or an age limit
// (statistic-sample-age-set) replaces it, one disabling the other, per
// statistic or for all (the -all commands also set the default for
// statistics created later). Per-subnet statistics ("subnet[1].assigned-
// addresses", "subnet[1].pool[0].assigned-addresses") are plain names.
//
// # Counters on the packet path
//
// Servers take a handle once and update through it:
//
//	received := reg.Counter("pkt4-received")
//	...
//	received.Inc()
//
// An update locks only that statistic (no registry-wide lock), records the
// sample exactly as Kea would and allocates nothing once the sample buffer
// is full (20 samples by default).
//
// # Prometheus
//
// PrometheusHandler serves the registry in the Prometheus text exposition
// format (0.0.4), opt-in. Names map from Kea's as follows:
//
//   - A "subnet[ID]." prefix becomes the label subnet_id="ID"; a following
//     "pool[PID]." the label pool_id="PID", and "pd-pool[PID]." the label
//     pd_pool_id="PID". What remains is the base name.
//   - The metric name is the namespace (e.g. "kea_dhcp4", "kea_dhcp6",
//     "kea_dhcp_ddns"), "_", and the base name with every character outside
//     [a-zA-Z0-9_] replaced by "_": pkt4-received -> kea_dhcp4_pkt4_received.
//   - Statistics that only grow between resets are counters and get the
//     "_total" suffix: base names starting with pkt4-, pkt6-, cumulative-,
//     reclaimed-, v4-allocation-fail, v6-allocation-fail, ncr-, update-,
//     or ending in -lease-reuses or -reservation-conflicts. Everything else
//     (assigned-*, declined-addresses, total-*, unknown names from hook
//     libraries) is a gauge.
//   - Integers, big integers and floats are the sample value; durations are
//     gauges in seconds with the suffix "_seconds"; strings are gauges of
//     value 1 with the suffix "_info" and the text in the label value="...".
//
// So subnet[1].pool[0].assigned-addresses is
// kea_dhcp4_assigned_addresses{subnet_id="1",pool_id="0"} and
// pkt4-received is kea_dhcp4_pkt4_received_total. A global statistic and
// its per-subnet variants share one family; the global sample has no
// subnet_id label, so select {subnet_id=""} or {subnet_id!=""} before
// summing. Only the newest sample is exposed; Prometheus timestamps the
// scrape.
package stats
