//go:build ignore

// Command extract reads pcap files (the classic libpcap format, Ethernet
// or Linux cooked link types) and writes the payload of every UDP datagram
// from or to port 67 or 68 to OUT/<name>-<n>-<msgtype>.bin, where name is
// the pcap file's base name, n counts from 1 within the file, and msgtype
// is the DHCP message type in lower case (bootp when there is none).
//
//	go run dhcp4/testdata/extract/main.go -out dhcp4/testdata/golden dhcp4/testdata/pcap/*.pcap
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nestordhcp/nestor/dhcp4"
)

func main() {
	out := flag.String("out", ".", "directory for the .bin files")
	flag.Parse()
	for _, f := range flag.Args() {
		if err := extract(f, *out); err != nil {
			fmt.Fprintln(os.Stderr, "extract:", err)
			os.Exit(1)
		}
	}
}

func extract(path, out string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(b) < 24 {
		return fmt.Errorf("%s: too short for a pcap header", path)
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		bo = binary.LittleEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		return fmt.Errorf("%s: not a pcap file", path)
	}
	link := bo.Uint32(b[20:24])
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	n := 0
	for off := 24; off+16 <= len(b); {
		incl := int(bo.Uint32(b[off+8 : off+12]))
		off += 16
		if off+incl > len(b) {
			return fmt.Errorf("%s: truncated record", path)
		}
		frame := b[off : off+incl]
		off += incl
		payload, err := udpPayload(frame, link)
		if err != nil {
			continue
		}
		n++
		var p dhcp4.Packet
		typ := "bootp"
		if p.Decode(payload) == nil && p.MessageType() != 0 {
			typ = strings.ToLower(strings.TrimPrefix(p.MessageType().String(), "DHCP"))
		}
		file := filepath.Join(out, fmt.Sprintf("%s-%d-%s.bin", name, n, typ))
		if err := os.WriteFile(file, payload, 0o644); err != nil {
			return err
		}
		fmt.Println(file, len(payload))
	}
	return nil
}

var errSkip = errors.New("not DHCP")

func udpPayload(f []byte, link uint32) ([]byte, error) {
	var ip []byte
	switch link {
	case 1: // Ethernet
		if len(f) < 14 || binary.BigEndian.Uint16(f[12:14]) != 0x0800 {
			return nil, errSkip
		}
		ip = f[14:]
	case 113: // Linux cooked capture
		if len(f) < 16 || binary.BigEndian.Uint16(f[14:16]) != 0x0800 {
			return nil, errSkip
		}
		ip = f[16:]
	default:
		return nil, fmt.Errorf("link type %d not handled", link)
	}
	if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != 17 {
		return nil, errSkip
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:4]))
	if total > len(ip) || ihl+8 > total {
		return nil, errSkip
	}
	udp := ip[ihl:total]
	sp, dp := binary.BigEndian.Uint16(udp[0:2]), binary.BigEndian.Uint16(udp[2:4])
	if sp != 67 && sp != 68 && dp != 67 && dp != 68 {
		return nil, errSkip
	}
	ulen := int(binary.BigEndian.Uint16(udp[4:6]))
	if ulen < 8 || ulen > len(udp) {
		return nil, errSkip
	}
	return udp[8:ulen], nil
}
