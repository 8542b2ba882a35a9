//go:build ignore

// Command extract reads a classic pcap file (as tcpdump -w writes it) and
// writes the payload of every UDP datagram to or from port 546/547 as
// <out>/<client>-<n>-<msgtype>.bin, n counting from 01 in capture order.
// Relayed messages are named after the relay type and the innermost type:
// perfdhcp-relay-na-01-relay-forw-solicit.bin.
//
//	go run extract.go -client dhclient -out golden /tmp/x.pcap
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nestordhcp/nestor/dhcp6"
)

func main() {
	client := flag.String("client", "", "client name used as the file name prefix")
	out := flag.String("out", "golden", "output directory")
	flag.Parse()
	if *client == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: extract -client NAME [-out DIR] FILE.pcap")
		os.Exit(2)
	}
	n, err := run(*client, *out, flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
	fmt.Printf("extract: %s: %d DHCPv6 payloads\n", *client, n)
}

func run(client, out, path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if len(b) < 24 {
		return 0, errors.New("short pcap header")
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		bo = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return 0, errors.New("not a classic pcap file")
	}
	linkType := bo.Uint32(b[20:])
	n := 0
	for off := 24; off+16 <= len(b); {
		incl := int(bo.Uint32(b[off+8:]))
		off += 16
		if incl > len(b)-off {
			return n, errors.New("truncated record")
		}
		frame := b[off : off+incl]
		off += incl
		payload, ok := udpPayload(linkType, frame)
		if !ok {
			continue
		}
		n++
		name := fmt.Sprintf("%s-%02d-%s.bin", client, n, msgName(payload))
		if err := os.WriteFile(filepath.Join(out, name), payload, 0o644); err != nil {
			return n, err
		}
	}
	return n, nil
}

// udpPayload returns the payload of a DHCPv6 UDP datagram in an Ethernet or
// Linux cooked frame.
func udpPayload(linkType uint32, f []byte) ([]byte, bool) {
	var etype uint16
	switch linkType {
	case 1: // Ethernet
		if len(f) < 14 {
			return nil, false
		}
		etype, f = binary.BigEndian.Uint16(f[12:]), f[14:]
		if etype == 0x8100 && len(f) >= 4 {
			etype, f = binary.BigEndian.Uint16(f[2:]), f[4:]
		}
	case 113: // LINUX_SLL
		if len(f) < 16 {
			return nil, false
		}
		etype, f = binary.BigEndian.Uint16(f[14:]), f[16:]
	default:
		return nil, false
	}
	if etype != 0x86dd || len(f) < 40 {
		return nil, false
	}
	next, f := f[6], f[40:]
	for next == 0 || next == 43 || next == 60 { // hop-by-hop, routing, dest opts
		if len(f) < 8 || len(f) < int(f[1]+1)*8 {
			return nil, false
		}
		next, f = f[0], f[int(f[1]+1)*8:]
	}
	if next != 17 || len(f) < 8 {
		return nil, false
	}
	sp, dp := binary.BigEndian.Uint16(f), binary.BigEndian.Uint16(f[2:])
	ul := int(binary.BigEndian.Uint16(f[4:]))
	if !isDHCP(sp) && !isDHCP(dp) || ul < 8 || ul > len(f) {
		return nil, false
	}
	return f[8:ul], true
}

func isDHCP(port uint16) bool { return port == 546 || port == 547 }

var rfcNames = map[dhcp6.MessageType]string{
	dhcp6.MsgRelayForw:          "relay-forw",
	dhcp6.MsgRelayRepl:          "relay-repl",
	dhcp6.MsgInformationRequest: "information-request",
}

func typeName(t dhcp6.MessageType) string {
	if s, ok := rfcNames[t]; ok {
		return s
	}
	return strings.ToLower(t.String())
}

func msgName(b []byte) string {
	var p dhcp6.Packet
	if err := p.Decode(b); err != nil {
		if len(b) > 0 {
			return fmt.Sprintf("type%d-malformed", b[0])
		}
		return "empty"
	}
	if len(p.Relays) == 0 {
		return typeName(p.MsgType)
	}
	return typeName(p.Relays[0].MsgType) + "-" + typeName(p.MsgType)
}
