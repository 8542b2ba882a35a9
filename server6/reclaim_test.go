package server6

import (
	"encoding/json"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/lease"
)

// TestLeasesReclaimCommand: leases-reclaim reclaims the expired address and
// prefix at once, deleting them or keeping them expired-reclaimed, with
// Kea's answers to bad arguments.
func TestLeasesReclaimCommand(t *testing.T) {
	tests := []struct {
		cmd    string
		result int
		text   string
	}{
		{`{"command": "leases-reclaim"}`, 1, "Missing mandatory 'remove' parameter."},
		{`{"command": "leases-reclaim", "arguments": {}}`, 1, "Missing mandatory 'remove' parameter."},
		{`{"command": "leases-reclaim", "arguments": {"remove": "yes"}}`, 1, "'remove' parameter expected to be a boolean."},
		{`{"command": "leases-reclaim", "arguments": {"remove": false}}`, 0, "Reclamation of expired leases is complete."},
	}
	h := newHarness(t)
	h.query(dhcp6.MsgRequest, client{duid: duid(1), sid: true, na: []uint32{1}, pd: []uint32{2}})
	na, pd := h.lease(lease.TypeNA, "2001:db8:1::100"), h.lease(lease.TypePD, "2001:db8:8000::")
	if na == nil || pd == nil || h.stat("subnet[1].assigned-nas") != 1 || h.stat("subnet[1].assigned-pds") != 1 {
		t.Fatalf("REQUEST: leases %v %v", na, pd)
	}
	for _, l := range []*lease.Lease6{na, pd} {
		l.CLTT -= 5000 // valid-lifetime 4000: expired
		if err := h.s.LeaseStore6().UpdateLease6(l); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		var a struct {
			Result int    `json:"result"`
			Text   string `json:"text"`
		}
		if err := json.Unmarshal(h.s.Commands().ProcessText([]byte(tt.cmd)), &a); err != nil {
			t.Fatal(err)
		}
		if a.Result != tt.result || a.Text != tt.text {
			t.Errorf("%s: %d %q, want %d %q", tt.cmd, a.Result, a.Text, tt.result, tt.text)
		}
	}
	for _, x := range []struct {
		t lease.Type
		a string
	}{{lease.TypeNA, "2001:db8:1::100"}, {lease.TypePD, "2001:db8:8000::"}} {
		if l := h.lease(x.t, x.a); l == nil || l.State != lease.StateExpiredReclaimed {
			t.Errorf("%s after leases-reclaim: %+v", x.a, l)
		}
	}
	want := map[string]int64{"reclaimed-leases": 2, "subnet[1].reclaimed-leases": 2, "subnet[1].assigned-nas": 0, "subnet[1].assigned-pds": 0}
	for k, v := range want {
		if got := h.stat(k); got != v {
			t.Errorf("%s = %d, want %d", k, got, v)
		}
	}
	// With remove true a newly expired lease is deleted.
	h.query(dhcp6.MsgRequest, client{duid: duid(2), sid: true, na: []uint32{1}})
	l := h.lease(lease.TypeNA, "2001:db8:1::101")
	if l == nil {
		t.Fatal("second REQUEST: no lease for 2001:db8:1::101")
	}
	l.CLTT -= 5000
	if err := h.s.LeaseStore6().UpdateLease6(l); err != nil {
		t.Fatal(err)
	}
	h.s.Commands().ProcessText([]byte(`{"command": "leases-reclaim", "arguments": {"remove": true}}`))
	if l := h.lease(lease.TypeNA, "2001:db8:1::101"); l != nil {
		t.Errorf("remove: lease kept %+v", l)
	}
	if h.stat("reclaimed-leases") != 3 {
		t.Errorf("reclaimed-leases %d", h.stat("reclaimed-leases"))
	}
}
