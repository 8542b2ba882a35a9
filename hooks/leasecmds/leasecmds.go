// Package leasecmds is Kea's lease_cmds hook library
// (libdhcp_lease_cmds.so): the lease4-*/lease6-* control commands that
// add, read, update, delete, wipe and write leases of a running kea-dhcp4
// or kea-dhcp6, with Kea's validations, answers and statistics updates.
//
// The library reaches the daemon through hooks.LibraryHandle.Services,
// which must implement Services4 in kea-dhcp4 and Services6 in kea-dhcp6
// (a daemon implementing both serves both command families). Optional
// interfaces add what not every daemon has: DDNS4/DDNS6 (name change
// requests for lease*-resend-ddns and update-ddns) and Clock (tests).
// lease4-write and lease6-write need a lease store implementing
// LeaseFileWriter (memfile).
//
// Answers are built as Kea 2.2 builds them; testdata/kea22 holds Kea's
// recorded answers the tests compare with. README.md lists the differences.
package leasecmds

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

// Name is the library's Kea file name.
const Name = "libdhcp_lease_cmds.so"

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
}

// Services4 is what the library needs from kea-dhcp4: its lease database,
// its current configuration and its statistics. Config4 is read at every
// command, so a reconfiguration is seen at once; it may return nil (no
// subnets).
type Services4 interface {
	LeaseStore4() lease.Store4
	Config4() *config.Dhcp4
	Stats() *stats.Registry
}

// Services6 is the kea-dhcp6 counterpart of Services4.
type Services6 interface {
	LeaseStore6() lease.Store6
	Config6() *config.Dhcp6
	Stats() *stats.Registry
}

// DDNS4 is implemented by a kea-dhcp4 that can queue name change requests
// to kea-dhcp-ddns (Kea's queueNCR): remove is CHG_REMOVE, otherwise
// CHG_ADD. Without it the library answers as Kea does when DDNS updates are
// not enabled.
type DDNS4 interface {
	QueueNCR4(remove bool, l *lease.Lease4) error
}

// DDNS6 is the DHCPv6 counterpart of DDNS4.
type DDNS6 interface {
	QueueNCR6(remove bool, l *lease.Lease6) error
}

// LeaseFileWriter is implemented by lease stores that can write their
// content as a lease file (memfile): lease4-write and lease6-write.
type LeaseFileWriter interface {
	WriteFile(path string) error
}

// Clock lets a daemon (or a test) give the time used for a lease's cltt
// when the command gives no "expire".
type Clock interface {
	Now() time.Time
}

// Library is one loaded instance of lease_cmds.
type Library struct {
	svc  any
	svc4 Services4
	svc6 Services6
	// mu serialises the commands, as Kea runs them one at a time: an
	// update reads the old lease, writes the new one and moves the
	// statistics between them.
	mu sync.Mutex
}

// Daemons: lease_cmds loads only in the DHCP servers.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4", "kea-dhcp6"} }

// MultiThreadingCompatible: commands are serialised by the library and the
// lease stores are safe for concurrent use.
func (l *Library) MultiThreadingCompatible() bool { return true }

var errNoServices = errors.New("lease_cmds: the daemon offers no lease database to the library")

// Load checks the daemon's services and registers every command. Like
// Kea's, the library takes no parameters and ignores any it is given.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	l.svc = h.Services()
	l.svc4, _ = l.svc.(Services4)
	l.svc6, _ = l.svc.(Services6)
	switch h.ProcName() {
	case "kea-dhcp4":
		if l.svc4 == nil {
			return errNoServices
		}
	case "kea-dhcp6":
		if l.svc6 == nil {
			return errNoServices
		}
	default:
		if l.svc4 == nil && l.svc6 == nil {
			return errNoServices
		}
	}
	cmds := map[string]func(*command) answer{
		"lease4-add":               l.lease4Add,
		"lease4-get":               l.lease4Get,
		"lease4-get-all":           l.lease4GetAll,
		"lease4-get-page":          l.lease4GetPage,
		"lease4-get-by-hw-address": l.lease4GetByHWAddress,
		"lease4-get-by-client-id":  l.lease4GetByClientID,
		"lease4-get-by-hostname":   l.lease4GetByHostname,
		"lease4-del":               l.lease4Del,
		"lease4-update":            l.lease4Update,
		"lease4-wipe":              l.lease4Wipe,
		"lease4-resend-ddns":       l.lease4ResendDDNS,
		"lease4-write":             l.leaseWrite,
		"lease6-add":               l.lease6Add,
		"lease6-bulk-apply":        l.lease6BulkApply,
		"lease6-get":               l.lease6Get,
		"lease6-get-all":           l.lease6GetAll,
		"lease6-get-page":          l.lease6GetPage,
		"lease6-get-by-duid":       l.lease6GetByDUID,
		"lease6-get-by-hostname":   l.lease6GetByHostname,
		"lease6-del":               l.lease6Del,
		"lease6-update":            l.lease6Update,
		"lease6-wipe":              l.lease6Wipe,
		"lease6-resend-ddns":       l.lease6ResendDDNS,
		"lease6-write":             l.leaseWrite,
	}
	for name, fn := range cmds {
		if err := h.RegisterCommand(name, l.handler(fn)); err != nil {
			return err
		}
	}
	return nil
}

// Unload drops the references to the daemon.
func (l *Library) Unload() error {
	l.svc, l.svc4, l.svc6 = nil, nil, nil
	return nil
}

// command is a parsed control command.
type command struct {
	name string
	// args is "arguments": nil when absent.
	args *ctrl.Element
}

// answer is a command's answer; args is JSON or nil.
type answer struct {
	code int
	text string
	args json.RawMessage
}

func errorAnswer(err error) answer { return answer{code: hooks.ResultError, text: err.Error()} }

func (l *Library) handler(fn func(*command) answer) hooks.Callout {
	return func(h *hooks.CalloutHandle) error {
		raw, err := hooks.Get[json.RawMessage](h, "command")
		if err != nil {
			return err
		}
		var a answer
		whole, err := ctrl.ParseWire(raw)
		if err != nil {
			a = errorAnswer(err)
		} else {
			c := &command{}
			if n, _ := whole.Get("command"); n != nil {
				c.name, _ = n.StringValue()
			}
			c.args, _ = whole.Get("arguments")
			l.mu.Lock()
			a = fn(c)
			l.mu.Unlock()
		}
		var args any
		if a.args != nil {
			args = a.args
		}
		hooks.Set(h, "response", hooks.CreateAnswer(a.code, a.text, args))
		return nil
	}
}

func (l *Library) now() int64 {
	if c, ok := l.svc.(Clock); ok {
		return c.Now().Unix()
	}
	return time.Now().Unix()
}

func (l *Library) stats() *stats.Registry {
	switch {
	case l.svc4 != nil:
		return l.svc4.Stats()
	case l.svc6 != nil:
		return l.svc6.Stats()
	}
	return nil
}

func (l *Library) store4() lease.Store4 {
	if l.svc4 != nil {
		if st := l.svc4.LeaseStore4(); st != nil {
			return st
		}
	}
	return emptyStore4{}
}

func (l *Library) store6() lease.Store6 {
	if l.svc6 != nil {
		if st := l.svc6.LeaseStore6(); st != nil {
			return st
		}
	}
	return emptyStore6{}
}

func (l *Library) config4() *config.Dhcp4 {
	if l.svc4 == nil {
		return nil
	}
	return l.svc4.Config4()
}

func (l *Library) config6() *config.Dhcp6 {
	if l.svc6 == nil {
		return nil
	}
	return l.svc6.Config6()
}

// update4 replaces old, the lease as just read, by nl. On a store several
// servers share (PostgreSQL, MySQL) the write happens only while the stored
// lease still expires when old does, as Kea's updateLease4 with the
// expiration time of the lease read (Lease::syncCurrentExpirationTime):
// lease.ErrNotFound when another writer changed or deleted it meanwhile.
func update4(st lease.Store4, nl, old *lease.Lease4) error {
	if cs, ok := st.(lease.SharedStore4); ok {
		return cs.UpdateLease4Cond(nl, old)
	}
	return st.UpdateLease4(nl)
}

// delete4 removes old, the lease as just read; on a shared store only
// while it is unchanged (Kea's deleteLease: DELETE ... WHERE address = ?
// AND expire = ?).
func delete4(st lease.Store4, old *lease.Lease4) error {
	if cs, ok := st.(lease.SharedStore4); ok {
		return cs.DeleteLease4Cond(old)
	}
	return st.DeleteLease4(old.Addr)
}

// update6 is update4 for DHCPv6 leases.
func update6(st lease.Store6, nl, old *lease.Lease6) error {
	if cs, ok := st.(lease.SharedStore6); ok {
		return cs.UpdateLease6Cond(nl, old)
	}
	return st.UpdateLease6(nl)
}

// delete6 is delete4 for DHCPv6 leases.
func delete6(st lease.Store6, old *lease.Lease6) error {
	if cs, ok := st.(lease.SharedStore6); ok {
		return cs.DeleteLease6Cond(old)
	}
	return st.DeleteLease6(old.Addr)
}
