package testnet

import (
	"strings"
	"testing"
	"time"
)

func TestPairConnectsOnlyItsEnds(t *testing.T) {
	p := NewPair(t, "tn")
	p.AddClientAddrs()
	out := p.Client.Run("ping", "-c", "1", "-W", "2", ServerV4)
	if !strings.Contains(out, "1 received") {
		t.Fatalf("client cannot reach server:\n%s", out)
	}
	// The namespaces have no route anywhere else.
	routes := p.Client.Run("ip", "-4", "route")
	if strings.Contains(routes, "default") {
		t.Errorf("client namespace has a default route:\n%s", routes)
	}
}

func TestProcStopsAndLogs(t *testing.T) {
	p := NewPair(t, "tp")
	proc := p.Server.Start(p.Dir, "sleeper", nil, "sh", "-c", "echo ready; exec sleep 30")
	if err := proc.WaitLog("^ready", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	proc.Stop()
	if !proc.Exited() {
		t.Fatal("process still running after Stop")
	}
}

func TestLinkLocalNotTentative(t *testing.T) {
	p := NewPair(t, "td")
	for _, ns := range []*NS{p.Server, p.Client} {
		out := ns.Run("ip", "-6", "addr", "show", "scope", "link")
		if !strings.Contains(out, "inet6 fe80::") {
			t.Fatalf("%s has no link-local address:\n%s", ns.Name, out)
		}
		if strings.Contains(out, "tentative") {
			t.Errorf("%s link-local address still tentative:\n%s", ns.Name, out)
		}
	}
}
