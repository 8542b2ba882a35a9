// Package testnet builds the throw-away networks that end-to-end tests run
// real DHCP servers and clients in: network namespaces joined by veth pairs,
// addressed only from documentation ranges, torn down with every process the
// test started when the test ends.
//
// Nothing here touches the root namespace's interfaces: every link is created
// inside namespaces the test made, and every process is started inside one of
// them and stopped by its PID.
package testnet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Addresses the tests may use. 192.0.2.0/24 is this machine's own link and
// must never be used.
const (
	ServerV4 = "198.51.100.1"
	ClientV4 = "198.51.100.2"
	RelayV4  = "203.0.113.1"
	ServerV6 = "2001:db8:1::1"
	ClientV6 = "2001:db8:1::2"
)

var seq atomic.Int32

// Available reports why namespace tests cannot run here, or "" when they can.
func Available() string {
	if os.Geteuid() != 0 {
		return "needs root to create network namespaces"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "needs iproute2's ip command"
	}
	return ""
}

// Require skips the test when namespaces cannot be created, and when the
// named programs are not installed.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	if why := Available(); why != "" {
		t.Skip(why)
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("needs %s (not installed)", p)
		}
	}
}

// NS is a network namespace created by a test.
type NS struct {
	Name string
	t    testing.TB
}

// Pair is two namespaces, server and client, joined by a veth pair:
// Server.Iface carries 198.51.100.1/24 and 2001:db8:1::1/64; Client.Iface has
// no address unless AddClientAddrs is called (perfdhcp needs one).
type Pair struct {
	Server, Client *NS
	ServerIface    string
	ClientIface    string
	Dir            string // scratch directory for logs, pid files, configs
}

// NewPair creates the two namespaces and the link between them and removes
// them when the test ends. prefix (a few letters) keeps concurrent tests'
// names apart.
func NewPair(t testing.TB, prefix string) *Pair {
	t.Helper()
	ns, must := newNamespaces(t, prefix, "s", "c")
	p := &Pair{
		Server:      ns[0],
		Client:      ns[1],
		ServerIface: "veth-srv",
		ClientIface: "veth-cli",
		Dir:         t.TempDir(),
	}
	// The link is made after DAD is off in both namespaces, so its
	// addresses are usable at once (not "tentative" for a second).
	must("ip", "link", "add", p.ServerIface, "netns", p.Server.Name, "type", "veth",
		"peer", "name", p.ClientIface, "netns", p.Client.Name)
	must("ip", "-n", p.Server.Name, "addr", "add", ServerV4+"/24", "dev", p.ServerIface)
	must("ip", "-n", p.Server.Name, "addr", "add", ServerV6+"/64", "dev", p.ServerIface, "nodad")
	must("ip", "-n", p.Server.Name, "link", "set", p.ServerIface, "up")
	must("ip", "-n", p.Client.Name, "link", "set", p.ClientIface, "up")
	waitLinkLocal(link{p.Server, p.ServerIface}, link{p.Client, p.ClientIface})
	return p
}

// newNamespaces creates one namespace per name letter (its name: the
// letter, prefix, the PID and a sequence number, so that concurrent
// tests' names stay apart) with lo up and IPv6 DAD and router
// advertisements off, removed when the test ends. must runs a setup
// command, failing the test on error.
func newNamespaces(t testing.TB, prefix string, letters ...string) ([]*NS, func(args ...string)) {
	t.Helper()
	Require(t)
	must := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	id := fmt.Sprintf("%s%d-%d", prefix, os.Getpid()%100000, seq.Add(1))
	all := make([]*NS, len(letters))
	for i, l := range letters {
		all[i] = &NS{Name: l + id, t: t}
	}
	t.Cleanup(func() {
		for _, ns := range all {
			_ = exec.Command("ip", "netns", "del", ns.Name).Run()
		}
	})
	for _, ns := range all {
		must("ip", "netns", "add", ns.Name)
		must("ip", "-n", ns.Name, "link", "set", "lo", "up")
		for _, kv := range []string{
			"net.ipv6.conf.all.disable_ipv6=0",
			"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
			"net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0",
		} {
			must("ip", "netns", "exec", ns.Name, "sysctl", "-qw", kv)
		}
	}
	return all, must
}

// link is an interface in a namespace.
type link struct {
	ns    *NS
	iface string
}

// waitLinkLocal waits (bounded) for the links' IPv6 link-local addresses:
// DHCPv6 needs them at once.
func waitLinkLocal(links ...link) {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		ready := true
		for _, l := range links {
			ready = ready && l.ns.hasLinkLocal(l.iface)
		}
		if ready {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (ns *NS) hasLinkLocal(iface string) bool {
	out, err := exec.Command("ip", "-n", ns.Name, "-6", "addr", "show", "dev", iface, "scope", "link").Output()
	return err == nil && bytes.Contains(out, []byte("inet6"))
}

// AddClientAddrs gives the client end 198.51.100.2/24 and 2001:db8:1::2/64.
func (p *Pair) AddClientAddrs() {
	p.t().Helper()
	p.Client.Run("ip", "addr", "add", ClientV4+"/24", "dev", p.ClientIface)
	p.Client.Run("ip", "addr", "add", ClientV6+"/64", "dev", p.ClientIface, "nodad")
}

func (p *Pair) t() testing.TB { return p.Server.t }

// Run runs a command inside the namespace to completion and returns its
// combined output, failing the test on error.
func (ns *NS) Run(name string, args ...string) string {
	ns.t.Helper()
	out, err := ns.Command(name, args...).CombinedOutput()
	if err != nil {
		ns.t.Fatalf("in %s: %s %s: %v\n%s", ns.Name, name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Command returns an exec.Cmd that runs inside the namespace.
func (ns *NS) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

// Proc is a background process started in a namespace.
type Proc struct {
	Name string
	Log  string // combined stdout and stderr
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs a command in the background inside the namespace, logging to
// dir/name.log. The process (and its process group) is stopped with SIGTERM,
// then SIGKILL after five seconds, when the test ends.
func (ns *NS) Start(dir, name string, env []string, prog string, args ...string) *Proc {
	ns.t.Helper()
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		ns.t.Fatal(err)
	}
	cmd := ns.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		ns.t.Fatalf("start %s: %v", name, err)
	}
	p := &Proc{Name: name, Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	ns.t.Cleanup(func() { p.Stop() })
	return p
}

// Stop sends SIGTERM to the process group and waits (at most five seconds)
// before SIGKILL. It returns the process's exit error.
func (p *Proc) Stop() error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
	return p.err
}

// Signal sends sig to the process itself.
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// PID is the process's PID (of the ip netns exec wrapper, which execs the
// program, so it is the program's PID).
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Output returns what the process has logged so far.
func (p *Proc) Output() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// WaitLog waits until the log matches re or the timeout passes.
func (p *Proc) WaitLog(re string, timeout time.Duration) error {
	rx := regexp.MustCompile(re)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		if rx.MatchString(p.Output()) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %q not seen in its log after %v:\n%s", p.Name, re, timeout, p.Output())
		case <-p.done:
			if rx.MatchString(p.Output()) {
				return nil
			}
			return fmt.Errorf("%s exited (%v) before %q appeared in its log:\n%s", p.Name, p.err, re, p.Output())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Do runs f on an OS thread switched into the namespace (setns(2)):
// sockets f opens stay in the namespace for their whole life, whichever
// thread later uses them. The thread is switched back before it is
// released; if that fails it stays locked, so the runtime discards it.
func (ns *NS) Do(f func() error) error {
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
		target, err := unix.Open("/var/run/netns/"+ns.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer unix.Close(target)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", ns.Name, err)
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

// Chain is three namespaces in a row, client - relay - server, for tests
// with a relay agent between client and server. The client link
// (Client.ClientIface - Relay "veth-down") is 198.51.100.0/24 and
// 2001:db8:1::/64 with the relay at .1 / ::1 and no client address; the
// server link (Relay "veth-up" - Server "veth-srv") is 203.0.113.0/24 and
// 2001:db8:2::/64, the server at .1 / ::1, the relay at .2 / ::2. The
// server routes the client link through the relay, so replies to giaddr
// or to the relay's link address reach it.
type Chain struct {
	Server, Relay, Client *NS
	Dir                   string
}

// Interface names and addresses of a Chain.
const (
	ChainServerIface = "veth-srv"
	ChainRelayUp     = "veth-up"
	ChainRelayDown   = "veth-down"
	ChainClientIface = "veth-cli"

	ChainServerV4    = "203.0.113.1"
	ChainRelayUpV4   = "203.0.113.2"
	ChainRelayDownV4 = "198.51.100.1"
	ChainServerV6    = "2001:db8:2::1"
	ChainRelayUpV6   = "2001:db8:2::2"
	ChainRelayDownV6 = "2001:db8:1::1"
)

// NewChain creates the three namespaces and their two links and removes
// them when the test ends.
func NewChain(t testing.TB, prefix string) *Chain {
	t.Helper()
	ns, must := newNamespaces(t, prefix, "s", "r", "c")
	c := &Chain{Server: ns[0], Relay: ns[1], Client: ns[2], Dir: t.TempDir()}
	must("ip", "link", "add", ChainServerIface, "netns", c.Server.Name, "type", "veth",
		"peer", "name", ChainRelayUp, "netns", c.Relay.Name)
	must("ip", "link", "add", ChainRelayDown, "netns", c.Relay.Name, "type", "veth",
		"peer", "name", ChainClientIface, "netns", c.Client.Name)
	for _, a := range []struct {
		ns        *NS
		dev, addr string
	}{
		{c.Server, ChainServerIface, ChainServerV4 + "/24"},
		{c.Server, ChainServerIface, ChainServerV6 + "/64"},
		{c.Relay, ChainRelayUp, ChainRelayUpV4 + "/24"},
		{c.Relay, ChainRelayUp, ChainRelayUpV6 + "/64"},
		{c.Relay, ChainRelayDown, ChainRelayDownV4 + "/24"},
		{c.Relay, ChainRelayDown, ChainRelayDownV6 + "/64"},
	} {
		args := []string{"ip", "-n", a.ns.Name, "addr", "add", a.addr, "dev", a.dev}
		if strings.Contains(a.addr, ":") {
			args = append(args, "nodad")
		}
		must(args...)
	}
	must("ip", "-n", c.Server.Name, "link", "set", ChainServerIface, "up")
	must("ip", "-n", c.Relay.Name, "link", "set", ChainRelayUp, "up")
	must("ip", "-n", c.Relay.Name, "link", "set", ChainRelayDown, "up")
	must("ip", "-n", c.Client.Name, "link", "set", ChainClientIface, "up")
	must("ip", "-n", c.Server.Name, "route", "add", "198.51.100.0/24", "via", ChainRelayUpV4)
	must("ip", "-n", c.Server.Name, "-6", "route", "add", "2001:db8:1::/64", "via", ChainRelayUpV6)
	waitLinkLocal(link{c.Server, ChainServerIface}, link{c.Relay, ChainRelayUp},
		link{c.Relay, ChainRelayDown}, link{c.Client, ChainClientIface})
	return c
}
