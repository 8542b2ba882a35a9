package ncr

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestJSONWireFormat(t *testing.T) {
	r := &Request{Type: Remove, Forward: true, Reverse: false, FQDN: "myhost.example.com.",
		IPAddress: "198.51.100.7", DHCID: []byte{0x00, 0x01, 0xab},
		LeaseExpiresOn: time.Date(2013, 1, 21, 13, 24, 5, 0, time.UTC).Unix(), LeaseLength: 1300,
		UseConflictResolution: true}
	want := `{"change-type":1,"forward-change":true,"reverse-change":false,"fqdn":"myhost.example.com.",` +
		`"ip-address":"198.51.100.7","dhcid":"0001AB","lease-expires-on":"20130121132405","lease-length":1300,` +
		`"use-conflict-resolution":true}`
	if got := string(r.JSON()); got != want {
		t.Fatalf("JSON:\n got %s\nwant %s", got, want)
	}
	b := r.Marshal()
	if int(b[0])<<8|int(b[1]) != len(want) || string(b[2:]) != want {
		t.Fatalf("datagram %q", b)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.JSON()) != want {
		t.Fatalf("round trip: %s", back.JSON())
	}
	for _, bad := range [][]byte{nil, {0}, {0, 5, '{'}, append([]byte{0, 2}, "{}"...)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestDHCID(t *testing.T) {
	// Structure: identifier type, digest type 1, SHA-256 of the
	// identifier then the lower-cased wire name.
	wireName := []byte("\x06myhost\x07example\x03com\x00")
	if got := NameWire("MyHost.Example.COM."); !bytes.Equal(got, wireName) {
		t.Fatalf("NameWire %q", got)
	}
	if got := NameWire("myhost.example.com"); !bytes.Equal(got, wireName) {
		t.Fatalf("NameWire partial %q", got)
	}
	hw := []byte{2, 0, 0, 0, 0xcc, 1}
	cases := []struct {
		name   string
		got    []byte
		prefix []byte
		id     []byte
	}{
		{"hw", DHCID4HW(1, hw, "myhost.example.com."), []byte{0, 0, 1}, append([]byte{1}, hw...)},
		{"client-id", must(DHCID4ClientID([]byte{1, 2, 3}, "MYHOST.example.com.")), []byte{0, 1, 1}, []byte{1, 2, 3}},
		{"client-id 255", must(DHCID4ClientID([]byte{0xff, 0, 0, 0, 1, 0, 3, 0, 1, 9}, "myhost.example.com.")), []byte{0, 2, 1}, []byte{0, 3, 0, 1, 9}},
		{"duid", DHCID6([]byte{0, 3, 0, 1, 9}, "myhost.example.com"), []byte{0, 2, 1}, []byte{0, 3, 0, 1, 9}},
	}
	for _, c := range cases {
		sum := sha256.Sum256(append(append([]byte(nil), c.id...), wireName...))
		want := append(append([]byte(nil), c.prefix...), sum[:]...)
		if !bytes.Equal(c.got, want) {
			t.Errorf("%s: got %x want %x", c.name, c.got, want)
		}
	}
	// RFC 4701 section 3.6 example 2: client identifier 01:07:08:09:0a:0b:0c
	// and chi.example.com give this DHCID.
	if _, err := DHCID4ClientID([]byte{0xff, 0, 0, 0, 1}, "x."); err == nil {
		t.Error("client identifier 255 without a DUID accepted")
	}
	got := must(DHCID4ClientID([]byte{1, 7, 8, 9, 10, 11, 12}, "chi.example.com."))
	if want := "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No="; b64(got) != want {
		t.Errorf("RFC 4701 example 2: got %s want %s", b64(got), want)
	}
	// Example 3: htype 1, hw 01:02:03:04:05:06, client.example.com.
	got = DHCID4HW(1, []byte{1, 2, 3, 4, 5, 6}, "client.example.com.")
	if want := "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY="; b64(got) != want {
		t.Errorf("RFC 4701 example 3: got %s want %s", b64(got), want)
	}
	// Example 1: DUID 00:01:00:06:41:2d:f1:66:01:02:03:04:05:06, chi6.example.com.
	d, _ := hex.DecodeString("00010006412df166010203040506")
	got = DHCID6(d, "chi6.example.com.")
	if want := "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="; b64(got) != want {
		t.Errorf("RFC 4701 example 1: got %s want %s", b64(got), want)
	}
}

func TestSenderQueueAndSuspend(t *testing.T) {
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := uint32(l.LocalAddr().(*net.UDPAddr).Port)
	var gotErr error
	errc := make(chan struct{}, 1)
	s, err := Start(Config{ServerIP: "127.0.0.1", ServerPort: port, SenderIP: "127.0.0.1", MaxQueueSize: 4},
		Handlers{OnError: func(err error, _ *Request) { gotErr = err; errc <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	r := &Request{FQDN: "a.example.org.", IPAddress: "198.51.100.9", DHCID: []byte{0, 0, 1}, LeaseLength: 60}
	if err := s.Send(r); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	l.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, from, err := l.ReadFromUDP(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf[:n], r.Marshal()) {
		t.Fatalf("received %q", buf[:n])
	}
	if from.AddrPort() != s.LocalAddr() {
		t.Errorf("sent from %s, sender says %s", from, s.LocalAddr())
	}
	if !strings.HasPrefix(s.String(), "NCR Sender, IP: 127.0.0.1 port: ") {
		t.Errorf("String %q", s.String())
	}
	// Fill the queue faster than it drains: at some point Send must fail
	// with ErrQueueFull, updates are suspended and later sends refused.
	var full bool
	for i := 0; i < 100000 && !full; i++ {
		full = errors.Is(s.Send(r), ErrQueueFull)
	}
	if !full {
		t.Skip("the sender drained the queue faster than 100000 sends could fill it")
	}
	<-errc
	if !errors.Is(gotErr, ErrQueueFull) || !s.Suspended() {
		t.Fatalf("error handler got %v, suspended %v", gotErr, s.Suspended())
	}
	if err := s.Send(r); !errors.Is(err, ErrSuspended) {
		t.Fatalf("Send after suspension: %v", err)
	}
}

func TestSenderBadConfig(t *testing.T) {
	for _, c := range []Config{
		{ServerIP: "nope", SenderIP: "0.0.0.0"},
		{ServerIP: "127.0.0.1", SenderIP: "x"},
		{ServerIP: "127.0.0.1", SenderIP: "198.51.100.254"}, // not a local address
	} {
		if s, err := Start(c, Handlers{}); err == nil {
			s.Stop()
			t.Errorf("Start(%+v) succeeded", c)
		}
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestTTL(t *testing.T) {
	for _, c := range []struct {
		valid   uint32
		percent float64
		want    uint32
	}{
		{4000, 0, 1333}, {1800, 0, 600}, {1799, 0, 600}, {2, 0, 600}, {0, 0, 600},
		{4000, 0.5, 2000}, {1, 0.1, 1}, {100, 0.25, 25},
	} {
		if got := TTL(c.valid, c.percent); got != c.want {
			t.Errorf("TTL(%d, %v) = %d, want %d", c.valid, c.percent, got, c.want)
		}
	}
}

// BenchmarkRequestOnPacketPath is what the packet path pays per NCR: the
// DHCID (SHA-256 of identifier and wire name) and a queue send that the
// sender goroutine drains to a loopback listener.
func BenchmarkRequestOnPacketPath(b *testing.B) {
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := l.ReadFromUDP(buf); err != nil {
				return
			}
		}
	}()
	s, err := Start(Config{ServerIP: "127.0.0.1", ServerPort: uint32(l.LocalAddr().(*net.UDPAddr).Port),
		SenderIP: "127.0.0.1", MaxQueueSize: 1 << 20}, Handlers{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	hw := []byte{2, 0, 0, 0, 0xcc, 1}
	b.ReportAllocs()
	for b.Loop() {
		r := &Request{Forward: true, Reverse: true, FQDN: "host1.example.org.", IPAddress: "198.51.100.100",
			DHCID: DHCID4HW(1, hw, "host1.example.org."), LeaseExpiresOn: 1e9, LeaseLength: 1333}
		if err := s.Send(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshal is the sender goroutine's encoding of one NCR.
func BenchmarkMarshal(b *testing.B) {
	r := &Request{Forward: true, Reverse: true, FQDN: "host1.example.org.", IPAddress: "198.51.100.100",
		DHCID: DHCID4HW(1, []byte{2, 0, 0, 0, 0xcc, 1}, "host1.example.org."), LeaseExpiresOn: 1e9, LeaseLength: 1333}
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Marshal()
	}
}
