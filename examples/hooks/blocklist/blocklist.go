// Package blocklist is an example third-party Nestor hook library: it drops
// DHCPv4 and DHCPv6 queries from blocked clients at
// pkt4_receive/pkt6_receive, counts the drops, and adds the command
// "blocklist-stats". A DHCPv4 client is matched by its client identifier
// (option 61, type byte included) or its hardware address, a DHCPv6 client
// by its DUID, all in Kea's text form (lowercase hex, colon-separated). It is built into a custom binary with
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
	"strings"
	"sync/atomic"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/pkt"
)

// Name is the library's Kea-style file name.
const Name = "libexample_blocklist.so"

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
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
	if err := h.RegisterCallout("pkt4_receive", l.receive4); err != nil {
		return err
	}
	if err := h.RegisterCallout("pkt6_receive", l.receive6); err != nil {
		return err
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

// receive4 drops a DHCPv4 query whose client identifier or hardware
// address is blocked. The server passes query4 as *pkt.Pkt4: Get must name
// that exact type.
func (l *Library) receive4(h *hooks.CalloutHandle) error {
	if h.Status() == hooks.Drop {
		return nil
	}
	q, err := hooks.Get[*pkt.Pkt4](h, "query4")
	if err != nil {
		return err
	}
	if id := q.ClientID(); (id != nil && l.blocked[hexText(id)]) || l.blocked[hexText(q.HWAddr())] {
		l.drop(h)
	}
	return nil
}

// receive6 drops a DHCPv6 query whose DUID is blocked.
func (l *Library) receive6(h *hooks.CalloutHandle) error {
	if h.Status() == hooks.Drop {
		return nil
	}
	q, err := hooks.Get[*pkt.Pkt6](h, "query6")
	if err != nil {
		return err
	}
	if duid, ok := q.ClientID(); ok && l.blocked[hexText(duid)] {
		l.drop(h)
	}
	return nil
}

// drop drops the query and counts it: at pkt4_receive and pkt6_receive the
// server leaves the drop statistics to the library.
func (l *Library) drop(h *hooks.CalloutHandle) {
	l.drops.Add(1)
	h.SetStatus(hooks.Drop)
}

// hexText is Kea's text form of an identifier: "01:02:0a".
func hexText(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

func (l *Library) stats(h *hooks.CalloutHandle) error {
	hooks.Set(h, "response", hooks.CreateAnswer(hooks.ResultSuccess, "blocklist statistics",
		map[string]int64{"drops": l.drops.Load()}))
	return nil
}
