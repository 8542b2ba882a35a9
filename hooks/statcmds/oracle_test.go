package statcmds_test

import (
	"testing"

	"github.com/nestordhcp/nestor/hooks/leasecmds/leasetest"
)

// The recordings add leases with lease_cmds, then ask stat_cmds for every
// selection (all, subnet-id, subnet-range) and every kind of bad argument.
func TestKea22Answers4(t *testing.T) {
	d := leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))
	res := leasetest.Replay(t, "kea-dhcp4", d, "testdata/kea22/answers4.jsonl", nil)
	if res.Matched != res.Total {
		t.Errorf("%d of %d answers match Kea 2.2", res.Matched, res.Total)
	}
}

func TestKea22Answers6(t *testing.T) {
	d := leasetest.NewDaemon6(t, leasetest.LoadConfig(t, "testdata/kea22/config6.json"))
	res := leasetest.Replay(t, "kea-dhcp6", d, "testdata/kea22/answers6.jsonl", nil)
	if res.Matched != res.Total {
		t.Errorf("%d of %d answers match Kea 2.2", res.Matched, res.Total)
	}
}
