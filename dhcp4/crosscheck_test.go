package dhcp4

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// common is the view of a packet both codecs can produce.
type common struct {
	Op, HType, Hops uint8
	Xid             uint32
	Secs, Flags     uint16
	CI, YI, SI, GI  string
	HW              string
	SName, File     string
	Options         map[uint8]string
}

func ourView(p *Packet) common {
	c := common{
		Op: p.Op, HType: p.HType, Hops: p.Hops, Xid: p.Xid, Secs: p.Secs, Flags: p.Flags,
		CI: p.CIAddr.String(), YI: p.YIAddr.String(), SI: p.SIAddr.String(), GI: p.GIAddr.String(),
		HW: net.HardwareAddr(p.HWAddr()).String(), SName: string(p.ServerName()), File: string(p.BootFileName()),
		Options: map[uint8]string{},
	}
	for _, o := range p.Options() {
		c.Options[o.Code] = string(o.Data)
	}
	return c
}

func theirView(d *dhcpv4.DHCPv4) common {
	ip := func(a net.IP) string {
		if a == nil {
			return "0.0.0.0"
		}
		return a.String()
	}
	c := common{
		Op: uint8(d.OpCode), HType: uint8(d.HWType), Hops: d.HopCount,
		Xid:  uint32(d.TransactionID[0])<<24 | uint32(d.TransactionID[1])<<16 | uint32(d.TransactionID[2])<<8 | uint32(d.TransactionID[3]),
		Secs: d.NumSeconds, Flags: d.Flags,
		CI: ip(d.ClientIPAddr), YI: ip(d.YourIPAddr), SI: ip(d.ServerIPAddr), GI: ip(d.GatewayIPAddr),
		HW: d.ClientHWAddr.String(), SName: d.ServerHostName, File: d.BootFileName,
		Options: map[uint8]string{},
	}
	for code, data := range d.Options {
		c.Options[code] = string(data)
	}
	return c
}

// What real clients and Kea sent decodes the same with both codecs.
func TestCrossDecodeGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.bin")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	var p Packet
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Decode(b); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d, err := dhcpv4.FromBytes(b)
		if err != nil {
			t.Fatalf("%s: insomniacslk: %v", f, err)
		}
		if diff := cmp.Diff(theirView(d), ourView(&p)); diff != "" {
			t.Errorf("%s (-theirs +ours):\n%s", f, diff)
		}
	}
}

// What we encode, they decode to the same fields and options, long and
// repeated options included.
func TestCrossOurEncode(t *testing.T) {
	p := offer()
	p.Secs = 7
	p.SetBroadcast(true)
	p.GIAddr = IPv4{198, 51, 100, 2}
	p.Hops = 1
	p.SIAddr = IPv4{198, 51, 100, 1}
	copy(p.SName[:], "srv")
	copy(p.File[:], "boot/pxe.0")
	p.Set(OptionVIVSO, bytes.Repeat([]byte{1, 2, 3}, 200))
	p.Set(OptionRelayAgentInformation, AppendSubOption(AppendSubOption(nil, RAICircuitID, []byte("eth0/1")), RAIRemoteID, []byte{2, 0, 0x5e, 0, 0, 9}))
	p.MinSize = BOOTPMinLen
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := dhcpv4.FromBytes(b)
	if err != nil {
		t.Fatalf("insomniacslk: %v", err)
	}
	if diff := cmp.Diff(ourView(p), theirView(d)); diff != "" {
		t.Errorf("(-ours +theirs):\n%s", diff)
	}
	if d.MessageType() != dhcpv4.MessageTypeOffer {
		t.Errorf("their message type %v", d.MessageType())
	}
	if got := d.RelayAgentInfo().Get(dhcpv4.AgentCircuitIDSubOption); string(got) != "eth0/1" {
		t.Errorf("their circuit-id %q", got)
	}
}

// What they encode, we decode to the same fields and options.
func TestCrossTheirEncode(t *testing.T) {
	mac := net.HardwareAddr{2, 0, 0x5e, 0x10, 0, 3}
	disc, err := dhcpv4.NewDiscovery(mac,
		dhcpv4.WithOption(dhcpv4.OptHostName("client-a")),
		dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte{1, 2, 0, 0x5e, 0x10, 0, 3})),
		dhcpv4.WithOption(dhcpv4.OptMaxMessageSize(1500)),
		dhcpv4.WithRequestedOptions(dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer, dhcpv4.OptionClasslessStaticRoute),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(200), bytes.Repeat([]byte{0x5a}, 400))),
	)
	if err != nil {
		t.Fatal(err)
	}
	relayed := disc.ToBytes()
	var p Packet
	if err := p.Decode(relayed); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(theirView(disc), ourView(&p)); diff != "" {
		t.Errorf("discover (-theirs +ours):\n%s", diff)
	}
	if p.MessageType() != DHCPDISCOVER || string(p.Hostname()) != "client-a" || !p.Requests(OptionClasslessStaticRoute) {
		t.Errorf("accessors: %v %q %v", p.MessageType(), p.Hostname(), p.Requests(121))
	}
	if mms, _ := p.MaxMessageSize(); mms != 1500 {
		t.Errorf("max message size %d", mms)
	}

	ack, err := dhcpv4.NewReplyFromRequest(disc,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(net.IPv4(198, 51, 100, 150)),
		dhcpv4.WithServerIP(net.IPv4(198, 51, 100, 1)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(198, 51, 100, 1))),
		dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(3600*1e9)),
		dhcpv4.WithOption(dhcpv4.OptRouter(net.IPv4(198, 51, 100, 1))),
		dhcpv4.WithOption(dhcpv4.OptRelayAgentInfo(
			dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(RAICircuitID), []byte("ge-0/0/1")),
			dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(RAILinkSelection), []byte{203, 0, 113, 0}))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Decode(ack.ToBytes()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(theirView(ack), ourView(&p)); diff != "" {
		t.Errorf("ack (-theirs +ours):\n%s", diff)
	}
	rai, _ := p.RelayAgentInfo()
	cid, _ := rai.CircuitID()
	ls, _ := rai.LinkSelection()
	lt, _ := p.LeaseTime()
	if string(cid) != "ge-0/0/1" || ls != (IPv4{203, 0, 113, 0}) || lt != 3600 || p.MessageType() != DHCPACK {
		t.Errorf("ack accessors: cid %q link %v lease %d type %v", cid, ls, lt, p.MessageType())
	}
}
