// Package blocklist is an example third-party Nestor hook library: it drops
// DHCPv4 and DHCPv6 queries from blocked client identifiers at
// pkt4_receive/pkt6_receive, counts the drops, and adds the command
// "blocklist-stats". It is built into a custom binary with
//
//	nestor build --with example.com/nestor-blocklist=./examples/hooks/blocklist
//
// and configured like any Kea hook library:
//
//	"hooks-libraries": [{
//	    "library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libexample_blocklist.so",
//	    "parameters": {"blocked": ["01:02:00:5e:10:00:01"]}
//	}]
package blocklist

import (
	"fmt"
	"sync/atomic"

	"github.com/nestordhcp/nestor/hooks"
)

// Name is the library's Kea-style file name.
const Name = "libexample_blocklist.so"

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
}

// ClientIdentified is what the library needs from a query: the server's
// packet types provide the client identifier in Kea's text form.
type ClientIdentified interface {
	ClientIDText() string
}

// Params are the library's "parameters".
type Params struct {
	Blocked []string `json:"blocked"`
}

// Library is one loaded instance; a reload makes a fresh one.
type Library struct {
	blocked map[string]bool
	drops   atomic.Int64
}

// Load reads the parameters and registers the callouts and the command.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	var p Params
	if err := h.DecodeParameters(&p); err != nil {
		return fmt.Errorf("blocklist: %w", err)
	}
	l.blocked = make(map[string]bool, len(p.Blocked))
	for _, id := range p.Blocked {
		l.blocked[id] = true
	}
	for hook, arg := range map[string]string{"pkt4_receive": "query4", "pkt6_receive": "query6"} {
		if err := h.RegisterCallout(hook, l.receive(arg)); err != nil {
			return err
		}
	}
	return h.RegisterCommand("blocklist-stats", l.stats)
}

// Unload holds no server objects, so there is nothing to release.
func (l *Library) Unload() error { return nil }

// ValidateParameters lets config-test and config-set refuse bad parameters
// while the running configuration keeps serving.
func (l *Library) ValidateParameters(p hooks.Parameters) error {
	var bp Params
	return p.Decode(&bp)
}

// MultiThreadingCompatible: the callouts only read the map and bump an
// atomic counter.
func (l *Library) MultiThreadingCompatible() bool { return true }

func (l *Library) receive(arg string) hooks.Callout {
	return func(h *hooks.CalloutHandle) error {
		if h.Status() == hooks.Drop {
			return nil
		}
		q, err := hooks.Get[ClientIdentified](h, arg)
		if err != nil {
			return err
		}
		if l.blocked[q.ClientIDText()] {
			l.drops.Add(1)
			h.SetStatus(hooks.Drop)
		}
		return nil
	}
}

func (l *Library) stats(h *hooks.CalloutHandle) error {
	hooks.Set(h, "response", hooks.CreateAnswer(hooks.ResultSuccess, "blocklist statistics",
		map[string]int64{"drops": l.drops.Load()}))
	return nil
}
