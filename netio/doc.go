// Package netio is the socket layer of the DHCPv4 and DHCPv6 servers: it
// detects interfaces, turns Kea's interfaces-config into a set of sockets
// (raw AF_PACKET or UDP for DHCPv4, UDP with ff02::1:2 for DHCPv6), receives
// and sends packets in batches without per-packet allocation, and hands them
// to a worker pool sized by Kea's multi-threading and dhcp-queue-control
// settings, dropping the oldest packet when the queue is full as Kea does.
//
// The package does not decide where a reply goes: the server fills the
// destination address, port and (for raw sockets) MAC of the Packet it sends,
// following Kea's adjustRemoteAddr rules; netio provides the means to send
// there, including layer-2 unicast to a client that has no address yet.
//
// Linux only: raw sockets use AF_PACKET with a classic BPF filter equivalent
// to Kea's PktFilterLPF program.
package netio
