// Package server4 is the DHCPv4 server daemon (kea-dhcp4): its lifecycle
// (configuration, PID file, sockets, workers, control commands, signals) and
// the packet pipeline in Kea's order — buffer4_receive, decode,
// classification, acceptance, pkt4_receive, subnet selection, host lookup,
// allocation, reply construction, leases4_committed/lease4_offer, pkt4_send,
// encode, buffer4_send, send — with Kea's statistics at every step.
//
// The configuration snapshot (package config) is compiled once per
// (re)configuration into a runtime form (snapshot.go): option payloads
// pre-encoded per scope, class tests compiled, subnet selectors resolved.
// Packets are processed by the netio worker pool; each worker owns its
// query, response and buffers (worker.go), so the common path allocates
// little and takes no server-wide lock: the snapshot is read through an
// atomic pointer.
package server4
