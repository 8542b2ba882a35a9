// Package server6 is the DHCPv6 server daemon (kea-dhcp6): its lifecycle
// (configuration, PID file, server DUID, sockets, workers, control
// commands, signals) and the packet pipeline in Kea's order —
// buffer6_receive, decode, classification, acceptance, pkt6_receive,
// subnet selection, host lookup, allocation per IA, reply construction,
// leases6_committed, pkt6_send, encode, buffer6_send, send — with Kea's
// pkt6-* statistics.
//
// The shape follows package server4: a configuration is compiled once into
// a snapshot read through an atomic pointer, and packets are processed by
// pooled workers that own their query and buffers.
package server6
