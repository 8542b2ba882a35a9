// Package dhcp6 is the DHCPv6 wire codec: it decodes client/server and relay
// messages (RFC 8415) into a reusable Packet without allocating, and encodes
// replies into a caller's buffer with a Builder that back-patches lengths.
//
// The package knows the layout of messages and of the option containers
// (IA_NA, IA_TA, IA_PD, IAADDR, IAPREFIX, VENDOR_OPTS, ...) but nothing of
// configuration and nothing of what most option payloads mean: package
// option gives payloads meaning.
//
// Memory contract: a decoded Packet, its Relays, its Options and every view
// taken from them reference the buffer given to Decode. They are valid until
// that buffer is reused or the Packet is decoded again. Copy what must live
// longer.
//
// Strictness: Decode rejects what it cannot represent exactly (truncated
// options, trailing bytes, containers whose inner options overrun them) so
// that a decoded Packet re-encodes byte for byte. Kea 2.2 differs here:
//   - it silently drops a truncated last option and trailing bytes of a
//     message or container, where Decode fails (KindTruncatedOption,
//     KindContainerOverrun); Packet.Lenient does as Kea (the server sets
//     it);
//   - its relay check (relay_info_.size() > HOP_COUNT_LIMIT before adding)
//     lets 33 levels through; Decode stops at MaxRelays = 32.
//
// Both are deliberate; they belong in docs/compat.md.
package dhcp6
