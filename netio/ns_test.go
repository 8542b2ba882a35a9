package netio

// Namespace tests run Go code inside the namespaces testnet creates by
// locking a goroutine to its OS thread and setns(2)-ing that thread into the
// namespace: sockets created there stay in the namespace for their whole
// life, whichever thread later reads or writes them. The thread is switched
// back before it is unlocked; if that fails it is left locked so the runtime
// discards it with the goroutine.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
	"golang.org/x/sys/unix"
)

// inNS runs f on a thread inside the named network namespace.
func inNS(name string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(orig)
		target, err := unix.Open("/var/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(target)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		err = f()
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

func mustNS(t testing.TB, ns *testnet.NS, f func() error) {
	t.Helper()
	if err := inNS(ns.Name, f); err != nil {
		t.Fatalf("in %s: %v", ns.Name, err)
	}
}

// ifaceIn detects the named interface inside a namespace.
func ifaceIn(t testing.TB, ns *testnet.NS, name string) *Iface {
	t.Helper()
	var ifc *Iface
	mustNS(t, ns, func() error {
		ifs, err := Detect()
		if err != nil {
			return err
		}
		ifc = findIface(ifs, name)
		if ifc == nil {
			return fmt.Errorf("no interface %s", name)
		}
		return nil
	})
	return ifc
}

// clientUDP opens a UDP socket in the client namespace bound to laddr,
// tied to dev with SO_BINDTODEVICE and allowed to broadcast: a DHCP client
// without an address.
func clientUDP(t testing.TB, ns *testnet.NS, network, laddr, dev string) *net.UDPConn {
	t.Helper()
	var c *net.UDPConn
	mustNS(t, ns, func() error {
		lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				if dev != "" {
					serr = unix.SetsockoptString(int(fd), unix.SOL_SOCKET, unix.SO_BINDTODEVICE, dev)
				}
				if serr == nil && network == "udp4" {
					serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1)
				}
			})
			if err != nil {
				return err
			}
			return serr
		}}
		pc, err := lc.ListenPacket(context.Background(), network, laddr)
		if err != nil {
			return err
		}
		c = pc.(*net.UDPConn)
		return nil
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// readOne reads one packet from c, failing after timeout.
func readOne(t testing.TB, c Conn, timeout time.Duration) *Packet {
	t.Helper()
	p := NewPacket()
	pkts := []*Packet{p}
	c.SetReadDeadline(time.Now().Add(timeout))
	defer c.SetReadDeadline(time.Time{})
	n, err := c.ReadBatch(pkts)
	if err != nil || n != 1 {
		t.Fatalf("%s: read: n=%d err=%v", c.Spec(), n, err)
	}
	return pkts[0]
}

// expectNothing checks that c receives nothing for d.
func expectNothing(t testing.TB, c Conn, d time.Duration) {
	t.Helper()
	pkts := []*Packet{NewPacket()}
	c.SetReadDeadline(time.Now().Add(d))
	defer c.SetReadDeadline(time.Time{})
	n, err := c.ReadBatch(pkts)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: unexpected packet (n=%d err=%v) from %s to %s", c.Spec(), n, err, pkts[0].Src, pkts[0].Dst)
	}
}

func dhcpPayload(seq int, n int) []byte {
	b := make([]byte, n)
	b[0] = 1 // BOOTREQUEST
	copy(b[1:], fmt.Sprintf("seq=%06d;", seq))
	return b
}

func seqOf(b []byte) int {
	var s int
	if i := bytes.Index(b, []byte("seq=")); i >= 0 && len(b) >= i+10 {
		fmt.Sscanf(string(b[i+4:i+10]), "%d", &s)
	}
	return s
}

// openSet opens the server's sockets inside the server namespace.
func openSet(t testing.TB, ns *testnet.NS, cfg SetConfig) *Set {
	t.Helper()
	var s *Set
	mustNS(t, ns, func() error {
		var err error
		s, err = Open(cfg)
		return err
	})
	t.Cleanup(func() { s.Close() })
	return s
}

// waitDAD waits (bounded) until no IPv6 address of dev is tentative: a
// socket cannot bind a link-local address before duplicate address
// detection ends (the veth ends are created before testnet turns DAD off).
func waitDAD(t testing.TB, ns *testnet.NS, dev string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		out := ns.Run("ip", "-6", "addr", "show", "dev", dev, "tentative")
		if !strings.Contains(out, "inet6") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: addresses still tentative", dev)
}
