package dhcp4

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goldenWant is what a captured packet must decode to. Options lists a few
// options by code with their payload in hex; Absent lists codes that must
// not be there. The values match the captures committed in
// testdata/golden (made by testdata/capture.sh): a new capture changes
// xids, addresses and client ids, and this table with them.
type goldenWant struct {
	Type    MessageType
	Op      uint8
	Xid     uint32
	CHAddr  string
	CIAddr  string
	YIAddr  string
	GIAddr  string
	Hops    uint8
	MinSize int
	Options map[uint8]string
	Absent  []uint8
}

const cliMAC = "02005e100002"

var goldenTable = map[string]goldenWant{
	"dhclient-1-discover.bin": {Type: DHCPDISCOVER, Op: 1, Xid: 0x0bb5b245, CHAddr: cliMAC, MinSize: 300,
		Options: map[uint8]string{53: "01", 12: "766d", 55: "011c02030f06770c2c2f1a792a"}, Absent: []uint8{54, 61}},
	"dhclient-2-offer.bin": {Type: DHCPOFFER, Op: 2, Xid: 0x0bb5b245, CHAddr: cliMAC, YIAddr: "198.51.100.100",
		Options: map[uint8]string{1: "ffffff00", 3: "c6336401", 6: "c6336401", 15: "6578616d706c652e6f7267", 51: "0000003c", 54: "c6336401", 121: "18cb0071c6336401"}},
	"dhclient-3-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0x0bb5b245, CHAddr: cliMAC, MinSize: 300,
		Options: map[uint8]string{50: "c6336464", 54: "c6336401"}},
	"dhclient-4-ack.bin": {Type: DHCPACK, Op: 2, Xid: 0x0bb5b245, CHAddr: cliMAC, YIAddr: "198.51.100.100",
		Options: map[uint8]string{58: "00000004", 59: "00000028", 12: "766d"}},
	"dhclient-5-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0x0bb5b245, CHAddr: cliMAC, CIAddr: "198.51.100.100", MinSize: 300,
		Options: map[uint8]string{12: "766d"}, Absent: []uint8{50, 54}},
	"dhclient-6-ack.bin": {Type: DHCPACK, Op: 2, Xid: 0x0bb5b245, CHAddr: cliMAC, CIAddr: "198.51.100.100", YIAddr: "198.51.100.100",
		Options: map[uint8]string{51: "0000003c"}},
	"dhclient-7-release.bin": {Type: DHCPRELEASE, Op: 1, Xid: 0x6e772a7e, CHAddr: cliMAC, CIAddr: "198.51.100.100", MinSize: 300,
		Options: map[uint8]string{54: "c6336401"}},

	"udhcpc-1-discover.bin": {Type: DHCPDISCOVER, Op: 1, Xid: 0x3a7a3e24, CHAddr: cliMAC, MinSize: 300,
		Options: map[uint8]string{61: "0102005e100002"}},
	"udhcpc-2-offer.bin": {Type: DHCPOFFER, Op: 2, Xid: 0x3a7a3e24, CHAddr: cliMAC, YIAddr: "198.51.100.101",
		Options: map[uint8]string{54: "c6336401", 61: "0102005e100002"}},
	"udhcpc-3-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0x3a7a3e24, CHAddr: cliMAC, MinSize: 300,
		Options: map[uint8]string{50: "c6336465", 54: "c6336401"}},
	"udhcpc-4-ack.bin": {Type: DHCPACK, Op: 2, Xid: 0x3a7a3e24, CHAddr: cliMAC, YIAddr: "198.51.100.101",
		Options: map[uint8]string{51: "0000003c"}},
	"udhcpc-5-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0x3a7a3e24, CHAddr: cliMAC, CIAddr: "198.51.100.101", MinSize: 300,
		Absent: []uint8{50, 54}},
	"udhcpc-6-ack.bin": {Type: DHCPACK, Op: 2, Xid: 0x3a7a3e24, CHAddr: cliMAC, CIAddr: "198.51.100.101", YIAddr: "198.51.100.101"},
	"udhcpc-7-release.bin": {Type: DHCPRELEASE, Op: 1, Xid: 0x19ad271b, CHAddr: cliMAC, CIAddr: "198.51.100.101", MinSize: 300,
		Options: map[uint8]string{54: "c6336401", 61: "0102005e100002"}},

	"dhcpcd-1-discover.bin": {Type: DHCPDISCOVER, Op: 1, Xid: 0xe516a40f, CHAddr: cliMAC, MinSize: 300,
		Options: map[uint8]string{57: "05c0", 80: "", 61: "ff5e100002000100013296f34502005e100002"}},
	"dhcpcd-2-offer.bin": {Type: DHCPOFFER, Op: 2, Xid: 0xe516a40f, CHAddr: cliMAC, YIAddr: "198.51.100.102",
		Options: map[uint8]string{121: "18cb0071c6336401"}, Absent: []uint8{80}},
	"dhcpcd-3-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0xe516a40f, CHAddr: cliMAC,
		Options: map[uint8]string{50: "c6336466", 54: "c6336401"}},

	"perfdhcp-1-discover.bin": {Type: DHCPDISCOVER, Op: 1, Xid: 0, CHAddr: "000c01020304", GIAddr: "198.51.100.2", Hops: 1,
		Options: map[uint8]string{82: "0106657468302f31020602005e100099"}},
	"perfdhcp-2-offer.bin": {Type: DHCPOFFER, Op: 2, Xid: 0, CHAddr: "000c01020304", YIAddr: "198.51.100.103", GIAddr: "198.51.100.2", Hops: 1,
		Options: map[uint8]string{82: "0106657468302f31020602005e100099", 54: "c6336401"}},
	"perfdhcp-3-request.bin": {Type: DHCPREQUEST, Op: 1, Xid: 0, CHAddr: "000c01020304", GIAddr: "198.51.100.2", Hops: 1,
		Options: map[uint8]string{50: "c6336467", 61: "01000c01020304", 82: "0106657468302f31020602005e100099"}},
	"perfdhcp-4-ack.bin": {Type: DHCPACK, Op: 2, Xid: 0, CHAddr: "000c01020304", YIAddr: "198.51.100.103", GIAddr: "198.51.100.2", Hops: 1,
		Options: map[uint8]string{51: "0000003c"}},
}

func ipOrZero(s string) string {
	if s == "" {
		return "0.0.0.0"
	}
	return s
}

func TestGoldenDecode(t *testing.T) {
	for name, want := range goldenTable {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/golden", name))
			if err != nil {
				t.Fatal(err)
			}
			var p Packet
			if err := p.Decode(b); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := goldenWant{
				Type: p.MessageType(), Op: p.Op, Xid: p.Xid,
				CHAddr: hex.EncodeToString(p.HWAddr()),
				CIAddr: p.CIAddr.String(), YIAddr: p.YIAddr.String(), GIAddr: p.GIAddr.String(),
				Hops: p.Hops, MinSize: p.MinSize, Options: map[uint8]string{},
			}
			for code := range want.Options {
				if d, ok := p.Get(code); ok {
					got.Options[code] = hex.EncodeToString(d)
				}
			}
			for _, code := range want.Absent {
				if p.Has(code) {
					got.Absent = append(got.Absent, code)
				}
			}
			w := want
			w.CIAddr, w.YIAddr, w.GIAddr = ipOrZero(w.CIAddr), ipOrZero(w.YIAddr), ipOrZero(w.GIAddr)
			if w.Options == nil {
				w.Options = map[uint8]string{}
			}
			w.Absent = nil
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("decoded fields (-want +got):\n%s", diff)
			}
			if p.HType != HTypeEthernet || p.HLen != 6 {
				t.Errorf("htype/hlen = %d/%d, want 1/6", p.HType, p.HLen)
			}
		})
	}
}

// Every captured packet re-encodes byte for byte, and its message type is
// the one in its file name.
func TestGoldenRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.bin")
	if err != nil || len(files) < 20 {
		t.Fatalf("golden files: %d, %v", len(files), err)
	}
	var p Packet
	buf := make([]byte, 0, 1500)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Decode(b); err != nil {
			t.Errorf("%s: Decode: %v", f, err)
			continue
		}
		parts := strings.Split(strings.TrimSuffix(filepath.Base(f), ".bin"), "-")
		if got := strings.ToLower(strings.TrimPrefix(p.MessageType().String(), "DHCP")); got != parts[len(parts)-1] {
			t.Errorf("%s: message type %s", f, p.MessageType())
		}
		out, err := p.AppendTo(buf[:0])
		if err != nil {
			t.Errorf("%s: AppendTo: %v", f, err)
			continue
		}
		if !bytes.Equal(out, b) {
			t.Errorf("%s: re-encoded packet differs:\n got %x\nwant %x", f, out, b)
		}
	}
}

func readGolden(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/golden", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Decoding the goldens into a warmed-up Packet allocates nothing.
func TestDecodeNoAlloc(t *testing.T) {
	for _, name := range []string{"dhcpcd-1-discover.bin", "perfdhcp-3-request.bin", "dhclient-2-offer.bin"} {
		b := readGolden(t, name)
		var p Packet
		_ = p.Decode(b)
		n := testing.AllocsPerRun(100, func() {
			if err := p.Decode(b); err != nil {
				t.Fatal(err)
			}
			if _, ok := p.RelayAgentInfo(); ok {
				s, _ := p.RelayAgentInfo()
				if _, ok := s.CircuitID(); !ok {
					t.Fatal("no circuit-id")
				}
			}
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per Decode, want 0", name, n)
		}
		buf := make([]byte, 0, 1500)
		n = testing.AllocsPerRun(100, func() {
			if _, err := p.AppendTo(buf[:0]); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per AppendTo, want 0", name, n)
		}
	}
}
