package kjson

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time; benchmarks report it per
// op because the shared build machines make wall time unreliable.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	bigOnce   sync.Once
	bigConfig []byte
)

// bigDhcp4 builds a Dhcp4 configuration of about 10 MB: subnets with
// pools and option data, and host reservations (the bulk of large real
// configurations), with comments sprinkled in.
func bigDhcp4() []byte {
	bigOnce.Do(func() {
		var b strings.Builder
		b.WriteString("// generated for BenchmarkParse10MB\n{\n  \"Dhcp4\": {\n")
		b.WriteString("    \"interfaces-config\": { \"interfaces\": [ \"eth0\" ] },\n")
		b.WriteString("    \"valid-lifetime\": 4000, \"renew-timer\": 1000, \"rebind-timer\": 2000,\n")
		b.WriteString("    \"subnet4\": [\n")
		id := 0
		for s := 0; b.Len() < 10<<20; s++ {
			if s > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "      {\n        \"id\": %d,\n        \"subnet\": \"10.%d.%d.0/24\",\n", s+1, s/256, s%256)
			fmt.Fprintf(&b, "        \"pools\": [ { \"pool\": \"10.%d.%d.100 - 10.%d.%d.200\" } ],\n", s/256, s%256, s/256, s%256)
			b.WriteString("        \"option-data\": [ { \"name\": \"routers\", \"data\": \"10.0.0.1\" } ], # gateway\n")
			b.WriteString("        \"reservations\": [\n")
			for r := 0; r < 90; r++ {
				id++
				if r > 0 {
					b.WriteString(",\n")
				}
				fmt.Fprintf(&b, "          { \"hw-address\": \"1a:1b:1c:%02x:%02x:%02x\", \"ip-address\": \"10.%d.%d.%d\", "+
					"\"hostname\": \"host-%d.example.org\", \"user-context\": { \"rack\": %d, \"weight\": 0.5 } }",
					id>>16&0xff, id>>8&0xff, id&0xff, s/256, s%256, r+2, id, r%8)
			}
			b.WriteString("\n        ]\n      }")
		}
		b.WriteString("\n    ]\n  }\n}\n")
		bigConfig = []byte(b.String())
	})
	return bigConfig
}

func BenchmarkParse10MB(b *testing.B) {
	data := bigDhcp4()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, _, err := ParseBytes("big.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func BenchmarkPrettyPrint10MB(b *testing.B) {
	data := bigDhcp4()
	e, _, err := ParseBytes("big.json", data, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := e.PrettyPrint(io.Discard, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func TestBigConfigRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB round trip skipped in -short mode")
	}
	e, _, err := ParseBytes("big.json", bigDhcp4(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.Get("Dhcp4").Get("subnet4").Len(); n < 100 {
		t.Fatalf("only %d subnets", n)
	}
	checkRoundTrip(t, e)
}
