package netio

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/net/bpf"
)

// DHCP4Filter returns the classic BPF program attached to each raw DHCPv4
// socket. It keeps what Kea's PktFilterLPF program keeps: Ethernet frames
// carrying IPv4, protocol UDP, not a non-first fragment, sent to
// 255.255.255.255 or to the socket's address, with UDP destination port
// port. Everything else is dropped in the kernel.
func DHCP4Filter(addr netip.Addr, port uint16) ([]bpf.RawInstruction, error) {
	if !addr.Is4() {
		return nil, fmt.Errorf("netio: raw socket address %s is not IPv4", addr)
	}
	a4 := addr.As4()
	const drop = 13 // index of the "drop" instruction
	prog := []bpf.Instruction{
		/* 0 */ bpf.LoadAbsolute{Off: 12, Size: 2}, // EtherType
		/* 1 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: etherTypeIPv4, SkipFalse: drop - 2},
		/* 2 */ bpf.LoadAbsolute{Off: ethHeaderLen + 9, Size: 1}, // IP protocol
		/* 3 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: protoUDP, SkipFalse: drop - 4},
		/* 4 */ bpf.LoadAbsolute{Off: ethHeaderLen + 6, Size: 2}, // flags + fragment offset
		/* 5 */ bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: drop - 6},
		/* 6 */ bpf.LoadAbsolute{Off: ethHeaderLen + 16, Size: 4}, // destination address
		/* 7 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0xffffffff, SkipTrue: 1},
		/* 8 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: binary.BigEndian.Uint32(a4[:]), SkipFalse: drop - 9},
		/* 9 */ bpf.LoadMemShift{Off: ethHeaderLen}, // X = IP header length
		/* 10 */ bpf.LoadIndirect{Off: ethHeaderLen + 2, Size: 2}, // UDP destination port
		/* 11 */ bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(port), SkipFalse: 1},
		/* 12 */ bpf.RetConstant{Val: 0xffffffff},
		/* 13 */ bpf.RetConstant{Val: 0},
	}
	return bpf.Assemble(prog)
}

// dropAllFilter is attached to the fallback UDP socket: it keeps the port
// reserved without ever queueing a datagram (Kea drains it instead).
func dropAllFilter() []bpf.RawInstruction {
	raw, _ := bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: 0}})
	return raw
}
