package hooks_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/nestordhcp/nestor/hooks"
)

// query stands for the server's DHCPv4 packet type.
type query struct {
	hooks.CalloutHandleAssociate
	ClientID string
}

// blocklist is a complete hook library: it drops queries from blocked
// clients at pkt4_receive, counts them, and adds a "blocklist-stats" command.
type blocklist struct {
	mu      sync.Mutex
	blocked map[string]bool
	drops   int
}

type blocklistParams struct {
	Blocked []string `json:"blocked"`
}

func init() {
	hooks.RegisterLibrary("libexample_blocklist.so", func() hooks.Library { return &blocklist{} })
}

func (b *blocklist) Load(h *hooks.LibraryHandle) error {
	var p blocklistParams
	if err := h.DecodeParameters(&p); err != nil {
		return fmt.Errorf("blocklist: %w", err)
	}
	b.blocked = map[string]bool{}
	for _, id := range p.Blocked {
		b.blocked[id] = true
	}
	if err := h.RegisterCallout("pkt4_receive", b.pkt4Receive); err != nil {
		return err
	}
	return h.RegisterCommand("blocklist-stats", b.stats)
}

func (b *blocklist) Unload() error { return nil }

// ValidateParameters lets config-test and config-set reject bad parameters
// while the current configuration keeps serving.
func (b *blocklist) ValidateParameters(p hooks.Parameters) error {
	var bp blocklistParams
	return p.Decode(&bp)
}

// MultiThreadingCompatible: the callout locks its shared counter.
func (b *blocklist) MultiThreadingCompatible() bool { return true }

func (b *blocklist) pkt4Receive(h *hooks.CalloutHandle) error {
	if h.Status() == hooks.Drop {
		return nil
	}
	q, err := hooks.Get[*query](h, "query4")
	if err != nil {
		return err
	}
	if b.blocked[q.ClientID] {
		b.mu.Lock()
		b.drops++
		b.mu.Unlock()
		h.SetStatus(hooks.Drop)
	}
	return nil
}

func (b *blocklist) stats(h *hooks.CalloutHandle) error {
	b.mu.Lock()
	drops := b.drops
	b.mu.Unlock()
	hooks.Set(h, "response", hooks.CreateAnswer(hooks.ResultSuccess, "blocklist statistics", map[string]int{"drops": drops}))
	return nil
}

func Example() {
	mgr := hooks.NewManager(hooks.Options{ProcName: "kea-dhcp4", Logger: slog.New(slog.DiscardHandler)})
	cfgs, err := hooks.ParseLibrariesConfig(json.RawMessage(`[{
		"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libexample_blocklist.so",
		"parameters": {"blocked": ["01:aa:bb"]}
	}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := mgr.Verify(cfgs, true); err != nil {
		fmt.Println(err)
		return
	}
	if err := mgr.LoadLibraries(cfgs, true); err != nil {
		fmt.Println(err)
		return
	}
	defer mgr.UnloadLibraries()

	// The server's pkt4_receive hook point.
	for _, id := range []string{"01:aa:bb", "01:cc:dd"} {
		q := &query{ClientID: id}
		status := hooks.Continue
		if mgr.CalloutsPresent(hooks.Pkt4Receive) {
			h := q.CalloutHandle(mgr)
			state := h.ScopedState()
			hooks.Set(h, "query4", q)
			mgr.Call(hooks.Pkt4Receive, h)
			status = h.Status()
			state.Close()
		}
		q.ResetCalloutHandle()
		fmt.Println(id, status)
	}

	resp, handled := mgr.HandleCommand("blocklist-stats", json.RawMessage(`{"command": "blocklist-stats"}`))
	fmt.Println(handled, string(resp))

	// A typo in the parameters is caught before anything is loaded.
	err = mgr.Verify([]hooks.LibraryConfig{{Library: "libexample_blocklist.so", Parameters: json.RawMessage(`{"blocekd": []}`)}}, true)
	fmt.Println(err)
	// Output:
	// 01:aa:bb NEXT_STEP_DROP
	// 01:cc:dd NEXT_STEP_CONTINUE
	// true {"arguments":{"drops":1},"result":0,"text":"blocklist statistics"}
	// hooks libraries failed to validate - library or libraries in error are: libexample_blocklist.so (libexample_blocklist.so: unknown parameter 'blocekd')
}
