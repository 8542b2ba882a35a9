package server6

import (
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// affinityConfig6 leaves expired-leases-processing at its defaults
// (flush-reclaimed-timer-wait-time 25, hold-reclaimed-time 3600): lease
// affinity is on.
var affinityConfig6 = strings.Replace(diffConfig6, `  "expired-leases-processing": {"flush-reclaimed-timer-wait-time": 0},
`, "", 1)

var affinityScript6 = []step6{
	{"request before release", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgRequest, client: 0xa1, server: true, ias: []ia6{na(1), pd(2)}}
	}},
	{"release with affinity", func(p map[string]*dhcp6.Packet) query6 {
		r := p["request before release"]
		return query6{t: dhcp6.MsgRelease, client: 0xa1, server: true,
			ias: []ia6{na(1, leased(r, false, 1)...), pd(2, leased(r, true, 2)...)}}
	}},
	{"solicit after release with affinity", func(map[string]*dhcp6.Packet) query6 {
		return query6{t: dhcp6.MsgSolicit, client: 0xa1, ias: []ia6{na(1), pd(2)}}
	}},
}

// TestDifferentialKea22ReleaseAffinity compares a RELEASE with lease
// affinity on with kea-dhcp6 2.2: the RELEASE reply is the same; the
// client coming back is offered its old address and prefix by Nestor
// (ARM "Configuring Lease Affinity", Kea 2.6), the next free ones by Kea
// 2.2, which deleted the leases (a known difference, COMPAT.md).
func TestDifferentialKea22ReleaseAffinity(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	kea := startDiffServer6With(t, affinityConfig6, "kea-dhcp6", "s6ak", func(c string) []string { return []string{"kea-dhcp6", "-c", c} })
	nes := startDiffServer6With(t, affinityConfig6, "nestor", "s6an", func(c string) []string { return []string{bin, "dhcp6", "-c", c} })
	runDiffScript6(t, kea, nes, affinityScript6)
	// Nestor's own answers: the returning client gets its old bindings.
	var got [3]*dhcp6.Packet
	for i, s := range affinityScript6 {
		xid := uint32(0x700 + i)
		q := s.q(map[string]*dhcp6.Packet{affinityScript6[0].name: got[0]})
		q.client, q.xid = 0xa2, xid
		got[i] = nes.ask(t, q.encode(t), xid)
	}
	for _, pd := range []bool{false, true} {
		before, after := leased(got[0], pd, map[bool]uint32{false: 1, true: 2}[pd]), leased(got[2], pd, map[bool]uint32{false: 1, true: 2}[pd])
		if len(before) != 1 || len(after) != 1 || before[0] != after[0] {
			t.Errorf("pd %v: leased %v, offered %v after release", pd, before, after)
		}
	}
	rows := strings.Join(leaseFileRows(t, nes), "\n")
	if !strings.Contains(rows, leased(got[0], false, 1)[0].Addr().String()+",00:03:00:01:02:00:00:00:00:a2,0,") {
		t.Errorf("released lease not kept with a zero valid lifetime:\n%s", rows)
	}
}
