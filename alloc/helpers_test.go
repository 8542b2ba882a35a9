package alloc

import (
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/stats"
)

// testLib is a hook library whose callouts do what the running test set in
// testHooks.
type testLib struct{}

var testHooks struct {
	sync.Mutex
	calls  map[string]int
	status map[string]hooks.NextStep
	remove []bool
}

func (testLib) Load(h *hooks.LibraryHandle) error {
	for _, name := range []string{"lease4_select", "lease4_renew", "lease4_release", "lease4_decline", "lease4_expire", "lease4_recover",
		"lease6_expire", "lease6_recover"} {
		name := name
		if err := h.RegisterCallout(name, func(c *hooks.CalloutHandle) error {
			testHooks.Lock()
			defer testHooks.Unlock()
			testHooks.calls[name]++
			if name == "lease4_expire" || name == "lease6_expire" {
				r, err := hooks.Get[bool](c, "remove_lease")
				if err != nil {
					return err
				}
				testHooks.remove = append(testHooks.remove, r)
			}
			var err error
			if name[5] == '6' {
				_, err = hooks.Get[*lease.Lease6](c, "lease6")
			} else {
				_, err = hooks.Get[*lease.Lease4](c, "lease4")
			}
			if err != nil {
				return err
			}
			if st, ok := testHooks.status[name]; ok {
				c.SetStatus(st)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (testLib) Unload() error { return nil }

func init() {
	hooks.RegisterLibrary("libtest_alloc.so", func() hooks.Library { return testLib{} })
}

// withHooks loads the test library with the given statuses.
func withHooks(t *testing.T, status map[string]hooks.NextStep) *hooks.Manager {
	t.Helper()
	testHooks.Lock()
	testHooks.calls = map[string]int{}
	testHooks.status = status
	testHooks.remove = nil
	testHooks.Unlock()
	m := hooks.NewManager(hooks.Options{ProcName: "kea-dhcp4", Logger: quietLog()})
	if err := m.LoadLibraries([]hooks.LibraryConfig{{Library: "libtest_alloc.so"}}, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.UnloadLibraries)
	return m
}

func hookCalls(name string) int {
	testHooks.Lock()
	defer testHooks.Unlock()
	return testHooks.calls[name]
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// env is an engine over a memfile store persisted in a temp dir.
type env struct {
	t     *testing.T
	cfg   *config.Dhcp4
	store *memfile.Store4
	path  string
	eng   *Engine4
	st    *stats.Registry
	now   time.Time
}

func loadConfig(t testing.TB, js string) *config.Dhcp4 {
	t.Helper()
	cfg, _, err := config.ParseDhcp4("test.json", []byte(js), config.LoadOptions{NoHookCheck: true, InterfaceExists: func(string) bool { return true }})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

func newEnv(t *testing.T, js string, hk *hooks.Manager) *env {
	t.Helper()
	cfg := loadConfig(t, js)
	path := filepath.Join(t.TempDir(), "leases4.csv")
	store, err := memfile.Open4(memfile.Config{Persist: true, Name: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	hs, err := host.FromConfig4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev := &env{t: t, cfg: cfg, store: store, path: path, st: stats.New(), now: time.Unix(1_800_000_000, 0)}
	ev.eng = NewEngine4(cfg, store, hs, hk, ev.st, quietLog())
	ev.eng.Now = func() time.Time { return ev.now }
	t.Cleanup(ev.eng.Close)
	return ev
}

func (ev *env) stat(name string) int64 {
	s, ok := ev.st.Get(name)
	if !ok {
		return 0
	}
	return s.Int
}

// client describes a test client.
type client struct {
	mac      string
	clientID string
	circuit  string
	flex     string
	classes  []string
}

func mac(i int) string { return fmt.Sprintf("02:00:00:00:%02x:%02x", i>>8, i&0xff) }

// ctx builds a context for the client in subnet id.
func (ev *env) ctx(c client, subnetID uint32, fake bool, req string) *Context4 {
	ev.t.Helper()
	hw, err := lease.ParseHWAddr(c.mac, lease.HTypeEther)
	if err != nil {
		ev.t.Fatal(err)
	}
	var cid, circ, flex []byte
	if c.clientID != "" {
		if cid, err = host.ParseIdentifier(c.clientID); err != nil {
			ev.t.Fatal(err)
		}
	}
	if c.circuit != "" {
		circ = []byte(c.circuit)
	}
	if c.flex != "" {
		flex = []byte(c.flex)
	}
	q := &pkt.Pkt4{}
	for _, cl := range c.classes {
		q.Classes.Add(cl)
	}
	order, _ := host.ParseIdentifiers(ev.cfg.HostReservationIdentifiers.V)
	ctx := &Context4{
		Query:           q,
		Subnet:          ev.cfg.Subnet(subnetID),
		HWAddr:          hw,
		ClientID:        cid,
		FakeAllocation:  fake,
		HostIdentifiers: host.ClientIdentifiers4(order, hw.Bytes, cid, circ, flex),
	}
	if req != "" {
		ctx.RequestedAddr = netip.MustParseAddr(req)
	}
	ev.eng.FindReservations(ctx)
	return ctx
}

// alloc runs Allocate4 and returns the address given ("" for none).
func (ev *env) alloc(ctx *Context4) string {
	ev.t.Helper()
	l, _, err := ev.eng.Allocate4(ctx)
	if err != nil {
		ev.t.Fatalf("Allocate4: %v", err)
	}
	if l == nil {
		return ""
	}
	return l.Addr.String()
}

// request gets a lease for the client with DISCOVER then REQUEST.
func (ev *env) request(c client, subnetID uint32) string {
	ev.t.Helper()
	return ev.alloc(ev.ctx(c, subnetID, false, ""))
}

// addLease stores a lease directly.
func (ev *env) addLease(addr, hw string, cltt int64, valid uint32, state lease.State) {
	ev.t.Helper()
	h, _ := lease.ParseHWAddr(hw, lease.HTypeEther)
	l := &lease.Lease4{Addr: netip.MustParseAddr(addr), HWAddr: h, CLTT: cltt, ValidLifetime: valid, SubnetID: 1, State: state}
	if state == lease.StateDeclined {
		l.HWAddr = lease.HWAddr{}
	}
	if err := ev.store.AddLease4(l); err != nil {
		ev.t.Fatal(err)
	}
}

func (ev *env) lease(addr string) *lease.Lease4 {
	l, err := ev.store.Lease4(netip.MustParseAddr(addr))
	if err != nil {
		return nil
	}
	return l
}

func secs(n int64) time.Duration { return time.Duration(n) * time.Second }

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }
