package nestorcmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/option"
	"github.com/nestordhcp/nestor/server4"
)

// Demo ports: unprivileged stand-ins for 67 and 68 (kea-dhcp4 -p/-P).
const (
	demoServerPort = 10067
	demoRelayPort  = 10068
)

// demoConfig is the sample Kea configuration the demo serves: UDP sockets
// on loopback, leases in LEASEFILE, one subnet selected for traffic relayed
// from 127.0.0.1.
const demoConfig = `{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "lo" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "name": "LEASEFILE", "lfc-interval": 0 },
    "valid-lifetime": 3600,
    "renew-timer": 900,
    "rebind-timer": 1800,
    "subnet4": [ {
      "id": 1,
      "subnet": "198.51.100.0/24",
      "pools": [ { "pool": "198.51.100.100 - 198.51.100.199" } ],
      "relay": { "ip-addresses": [ "127.0.0.1" ] },
      "option-data": [
        { "name": "routers", "data": "198.51.100.1" },
        { "name": "domain-name-servers", "data": "198.51.100.53, 198.51.100.54" },
        { "name": "domain-name", "data": "example.org" },
        { "name": "classless-static-route", "data": "203.0.113.0/24 - 198.51.100.1" }
      ]
    } ]
  }
}`

// runDemo starts the DHCPv4 server in this process on loopback (UDP port
// 10067, replies to port 10068) with a sample configuration, then acts as
// a relay agent at 127.0.0.1 for one client: DISCOVER, OFFER, REQUEST,
// ACK. It prints each packet and the lease line the server wrote. It
// needs no privileges and uses no network but loopback.
func runDemo(prog string, _ []string, stdout, stderr io.Writer) int {
	if err := demo(stdout); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return 0
}

func demo(w io.Writer) error {
	dir, err := os.MkdirTemp("", "nestor-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	leaseFile := filepath.Join(dir, "kea-leases4.csv")
	text := strings.Replace(demoConfig, "LEASEFILE", leaseFile, 1)
	cfg, _, err := config.ParseDhcp4("demo.json", []byte(text), config.LoadOptions{})
	if err != nil {
		return fmt.Errorf("sample configuration: %w", err)
	}

	// The server's log lines go to a file, not to the demo's output.
	logs := klog.NewManager("kea-dhcp4")
	logs.Configure([]klog.LoggerConfig{{Name: "kea-dhcp4", Severity: "WARN",
		OutputOptions: []klog.OutputOption{klog.NewOutputOption(filepath.Join(dir, "kea-dhcp4.log"))}}})
	defer logs.Close()
	srv := server4.New(server4.Options{
		ServerPort: demoServerPort, ClientPort: demoRelayPort,
		Logger: logs.Logger("dhcp4"),
		Slog:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err := srv.Configure(cfg); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(w, "kea-dhcp4 (nestor) serving 198.51.100.0/24 on 127.0.0.1:%d (udp, lo); leases in %s\n", demoServerPort, leaseFile)

	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: demoRelayPort})
	if err != nil {
		return fmt.Errorf("relay socket: %w", err)
	}
	defer conn.Close()
	fmt.Fprintf(w, "relay agent at 127.0.0.1:%d (giaddr 127.0.0.1)\n\n", demoRelayPort)

	mac := []byte{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}
	prl := []byte{1, 3, 6, 15, 51, 54, 121}
	client := func(mt dhcp4.MessageType) *dhcp4.Packet {
		p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: 0x2a5e1d07, Hops: 1}
		p.SetHWAddr(dhcp4.HTypeEthernet, mac)
		p.GIAddr = dhcp4.IPv4{127, 0, 0, 1}
		p.SetMessageType(mt)
		p.Set(dhcp4.OptionClientIdentifier, append([]byte{1}, mac...))
		p.Set(dhcp4.OptionParameterRequestList, prl)
		return p
	}
	std := option.StandardV4()
	server := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: demoServerPort}
	exchange := func(q *dhcp4.Packet, want dhcp4.MessageType) (*dhcp4.Packet, error) {
		wire, err := q.Encode()
		if err != nil {
			return nil, err
		}
		fmt.Fprint(w, "relay -> server  ")
		printPacket(w, std, q, len(wire))
		if _, err := conn.WriteToUDP(wire, server); err != nil {
			return nil, err
		}
		buf := make([]byte, 1500)
		for i := 0; i < 10; i++ {
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, _, err := conn.ReadFromUDP(buf)
			if err != nil {
				return nil, fmt.Errorf("waiting for the %v: %w", want, err)
			}
			r := &dhcp4.Packet{}
			if err := r.Decode(buf[:n]); err != nil || r.Xid != q.Xid {
				continue
			}
			fmt.Fprint(w, "server -> relay  ")
			printPacket(w, std, r, n)
			if r.MessageType() != want {
				return nil, fmt.Errorf("got %v, want %v", r.MessageType(), want)
			}
			return r, nil
		}
		return nil, errors.New("no reply")
	}

	offer, err := exchange(client(dhcp4.DHCPDISCOVER), dhcp4.DHCPOFFER)
	if err != nil {
		return err
	}
	req := client(dhcp4.DHCPREQUEST)
	req.Set(dhcp4.OptionRequestedAddress, offer.YIAddr[:])
	if sid, ok := offer.Get(dhcp4.OptionServerIdentifier); ok {
		req.Set(dhcp4.OptionServerIdentifier, sid)
	}
	ack, err := exchange(req, dhcp4.DHCPACK)
	if err != nil {
		return err
	}
	line, err := leaseLine(leaseFile, netip.AddrFrom4(ack.YIAddr).String())
	if err != nil {
		return err
	}
	lt, _ := ack.LeaseTime()
	fmt.Fprintf(w, "lease: %s granted to %02x for %d s\n", netip.AddrFrom4(ack.YIAddr), mac, lt)
	fmt.Fprintf(w, "lease file %s:\n  %s\n", filepath.Base(leaseFile), line)
	return nil
}

// leaseLine returns the lease file's row for addr.
func leaseLine(path, addr string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), addr+",") {
			return sc.Text(), nil
		}
	}
	return "", fmt.Errorf("the lease of %s is not in %s", addr, path)
}

func printPacket(w io.Writer, std *option.DefSet, p *dhcp4.Packet, n int) {
	fmt.Fprintf(w, "%s (%d bytes) xid=0x%08x chaddr=%02x giaddr=%s yiaddr=%s\n",
		p.MessageType(), n, p.Xid, p.HWAddr(), netip.AddrFrom4(p.GIAddr), netip.AddrFrom4(p.YIAddr))
	for _, o := range p.Options() {
		name, text := fmt.Sprintf("option-%d", o.Code), fmt.Sprintf("%x", o.Data)
		if def := std.Lookup("dhcp4", uint16(o.Code)); def != nil {
			name = def.Name
			if s, err := def.FormatData(o.Data); err == nil {
				text = s
			}
		}
		fmt.Fprintf(w, "    %3d %-24s %s\n", o.Code, name, strings.TrimSpace(text))
	}
}
