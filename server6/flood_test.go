package server6

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// statValue reads a statistic's current value over the control socket.
func (d *diffServer6) statValue(t *testing.T, name string) float64 {
	t.Helper()
	m := d.command(t, `{"command": "statistic-get", "arguments": {"name": "`+name+`"}}`)
	args, _ := m["arguments"].(map[string]any)
	samples, _ := args[name].([]any)
	if len(samples) == 0 {
		return -1
	}
	s, _ := samples[0].([]any)
	if len(s) == 0 {
		return -1
	}
	v, _ := s[0].(float64)
	return v
}

// malformed6 are queries the server cannot parse, even leniently: each is
// dropped and counted in pkt6-parse-failed.
var malformed6 = [][]byte{
	{1, 0, 0}, // shorter than a message header
	append([]byte{12, 0}, make([]byte, 32)...), // relay without RELAY_MSG
	// SOLICIT whose IA_NA is shorter than its fixed fields.
	{1, 0, 0, 1, 0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x51, 0, 3, 0, 4, 0, 0, 0, 1},
	// REQUEST whose Client FQDN has no flags octet.
	{3, 0, 0, 2, 0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x52, 0, 39, 0, 0},
	// SOLICIT whose IAADDR inside the IA_NA is too short.
	{1, 0, 0, 3, 0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x53,
		0, 3, 0, 18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 2, 0, 0},
}

// TestE2EMalformedFlood: while a flood of malformed queries reaches the
// server (each dropped and counted in pkt6-parse-failed), dhclient -6
// obtains an address and a prefix.
func TestE2EMalformedFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	e := startE2E(t, "s6fl", "dhclient")
	e.p.AddClientAddrs()
	d := &diffServer6{name: "nestor", p: e.p, conn: relayConn6(t, e.p)}
	before := d.statValue(t, "pkt6-parse-failed")
	kernelBefore := udp6RcvbufErrors(t, e.p.Server)
	dir := e.p.Dir
	lf, pf := filepath.Join(dir, "dhclient6.leases"), filepath.Join(dir, "dhclient6.pid")
	if err := os.WriteFile(lf, []byte(`default-duid "\000\003\000\001\002\000\000\000\000\043";`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // DAD on the client's link-local address

	// The flood runs until the client has its leases (at most maxRounds
	// rounds), paced so that the packet queue drops none.
	const maxRounds = 5000
	stop, done := make(chan struct{}), make(chan int)
	go func() {
		dst := &net.UDPAddr{IP: net.ParseIP(testnet.ServerV6), Port: 547}
		sent := 0
		for range maxRounds {
			select {
			case <-stop:
				done <- sent
				return
			default:
			}
			for _, q := range malformed6 {
				if _, err := d.conn.WriteToUDP(q, dst); err == nil {
					sent++
				}
			}
			time.Sleep(3 * time.Millisecond)
		}
		<-stop
		done <- sent
	}()
	defer func() {
		select {
		case <-stop:
		default:
			close(stop) // a failed wait below: end the flood
		}
	}()
	cl := e.p.Client.Start(dir, "dhclient", nil, "dhclient", "-6", "-d", "-v", "-N", "-P", "-sf", "/bin/true", "-lf", lf, "-pf", pf, e.p.ClientIface)
	defer cl.Stop()
	waitFile(t, lf, `iaaddr (2001:db8:1::1[0-9a-f]{2}) \{`, 20*time.Second)
	waitFile(t, lf, `iaprefix 2001:db8:80[0-9a-f]{2}:?[0-9a-f:]*/56 \{`, 5*time.Second)
	close(stop)
	sent := <-done
	t.Logf("%d malformed queries sent while dhclient was served", sent)
	deadline := time.Now().Add(5 * time.Second)
	for d.statValue(t, "pkt6-parse-failed")-before < float64(sent) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	// A loaded machine can make the kernel drop some of the flood at the
	// socket's receive buffer, before the server sees it: those are
	// counted by the server namespace's Udp6RcvbufErrors, not by Nestor.
	got := d.statValue(t, "pkt6-parse-failed") - before
	lost := udp6RcvbufErrors(t, e.p.Server) - kernelBefore
	if got+float64(lost) != float64(sent) || got == 0 {
		t.Errorf("pkt6-parse-failed went up by %v and the kernel dropped %d at the receive buffer, want %d in all", got, lost, sent)
	} else if lost > 0 {
		t.Logf("the kernel dropped %d of the flood at the receive buffer (machine load)", lost)
	}
	if v := d.statValue(t, "pkt6-reply-sent"); v < 1 {
		t.Errorf("pkt6-reply-sent %v", v)
	}
}

// udp6RcvbufErrors reads the Udp6RcvbufErrors counter of the namespace ns
// (datagrams the kernel dropped because a socket's receive buffer was
// full).
func udp6RcvbufErrors(t *testing.T, ns *testnet.NS) int64 {
	t.Helper()
	for _, line := range strings.Split(ns.Run("cat", "/proc/net/snmp6"), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "Udp6RcvbufErrors" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatalf("Udp6RcvbufErrors: %v", err)
			}
			return n
		}
	}
	t.Fatal("no Udp6RcvbufErrors in /proc/net/snmp6")
	return 0
}
