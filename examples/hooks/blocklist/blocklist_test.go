package blocklist

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/pkt"
)

// query4 is a DISCOVER from the client with the client identifier id
// (Kea's text form) and the hardware address 02:00:00:00:00:07.
func query4(t *testing.T, id string) *pkt.Pkt4 {
	t.Helper()
	q := &pkt.Pkt4{}
	q.Op = dhcp4.BootRequest
	q.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0, 7})
	q.SetMessageType(dhcp4.DHCPDISCOVER)
	if id != "" {
		b, err := hex.DecodeString(strings.ReplaceAll(id, ":", ""))
		if err != nil {
			t.Fatal(err)
		}
		q.Set(dhcp4.OptionClientIdentifier, b)
	}
	return q
}

func load(t *testing.T, params string) *hooks.Manager {
	t.Helper()
	mgr := hooks.NewManager(hooks.Options{ProcName: "kea-dhcp4", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cfgs := []hooks.LibraryConfig{{Library: "/usr/lib/x86_64-linux-gnu/kea/hooks/" + Name, Parameters: json.RawMessage(params)}}
	if err := mgr.LoadLibraries(cfgs, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.UnloadLibraries)
	return mgr
}

// receive runs the pkt4_receive hook point as the server does.
func receive(mgr *hooks.Manager, q *pkt.Pkt4) hooks.NextStep {
	defer q.ResetCalloutHandle()
	h := q.CalloutHandle(mgr)
	state := h.ScopedState()
	defer state.Close()
	hooks.Set(h, "query4", q)
	mgr.Call(hooks.Pkt4Receive, h)
	return h.Status()
}

func TestDropsBlockedClients(t *testing.T) {
	mgr := load(t, `{"blocked": ["01:aa:bb"]}`)
	if !mgr.CalloutsPresent(hooks.Pkt4Receive) || !mgr.CalloutsPresent(hooks.Pkt6Receive) {
		t.Fatal("callouts not registered")
	}
	for _, tc := range []struct {
		id   string
		want hooks.NextStep
	}{{"01:aa:bb", hooks.Drop}, {"01:cc:dd", hooks.Continue}, {"01:aa:bb", hooks.Drop}} {
		if got := receive(mgr, query4(t, tc.id)); got != tc.want {
			t.Errorf("client %s: status %v, want %v", tc.id, got, tc.want)
		}
	}
	resp, handled := mgr.HandleCommand("blocklist-stats", json.RawMessage(`{"command":"blocklist-stats"}`))
	if !handled {
		t.Fatal("blocklist-stats not handled")
	}
	code, _, args, err := hooks.ParseAnswer(resp)
	if err != nil || code != hooks.ResultSuccess || string(args) != `{"drops":2}` {
		t.Errorf("blocklist-stats = %s (code %d, err %v), want drops 2", resp, code, err)
	}
}

func TestBadParametersRejectedBeforeLoad(t *testing.T) {
	mgr := hooks.NewManager(hooks.Options{ProcName: "kea-dhcp4", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	err := mgr.Verify([]hooks.LibraryConfig{{Library: Name, Parameters: json.RawMessage(`{"blocked": "01:aa:bb"}`)}}, true)
	if err == nil || !strings.Contains(err.Error(), "blocked") {
		t.Fatalf("Verify = %v, want an error naming the parameter", err)
	}
}
