package statcmds_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/hooks/leasecmds/leasetest"
)

// The result-set timestamp is GMT with microseconds, as Kea prints it.
func TestTimestampIsUTC(t *testing.T) {
	d := leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))
	cm := leasetest.Server(t, "kea-dhcp4", d)
	now := time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.FixedZone("X", 5*3600))
	d.SetNow(now)
	got := string(cm.ProcessText([]byte(`{"command":"stat-lease4-get","arguments":{"subnet-id":2}}`)))
	want := `"timestamp": "2030-01-01 22:04:05.123456"`
	if !strings.Contains(got, want) {
		t.Errorf("answer %s lacks %s", got, want)
	}
	if !strings.Contains(got, `"rows": [ [ 2, 26, 0, 0, 0 ] ]`) {
		t.Errorf("answer %s: want one row for subnet 2 with 26 addresses", got)
	}
}
