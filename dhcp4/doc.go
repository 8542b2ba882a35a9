// Package dhcp4 is the DHCPv4 wire codec: the BOOTP header, the magic
// cookie and options in RFC 2132 layout, with RFC 3396 long options, option
// overload (RFC 2131, option 52) and relay agent sub-options (RFC 3046).
//
// It is about bytes only: an option is a code and an opaque payload; package
// option gives payloads meaning, and nothing here knows the configuration.
//
// A Packet is meant to be reused. Decode resets it and refills it without
// heap allocation on the common path: option payloads are slices of the
// input buffer, RFC 3396 concatenations go into a scratch buffer owned by
// the Packet, and the option table is reused. Everything a Packet returns
// (option data, sub-option data) is valid only until the next Decode or
// Reset of that Packet, and only while the caller leaves the input buffer
// untouched. AppendTo writes into a caller's buffer; with enough capacity
// it does not allocate either.
//
// Option order is kept as received, and the trailing pad bytes after END
// are remembered as Packet.MinSize, so that a packet decoded from a real
// client re-encodes byte-identically.
//
// Decode never panics on any input; it returns an error whose ErrorKind
// (see KindOf) tells the reason, for counting pkt4-parse-failed.
package dhcp4
