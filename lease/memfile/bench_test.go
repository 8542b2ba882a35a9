package memfile

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
)

const benchLeases = 1_000_000

// heapPerLease is the heap growth per lease measured by filled; reported
// after ResetTimer, which drops metrics reported before it.
var heapPerLease float64

func benchLease(i int) *lease.Lease4 {
	return &lease.Lease4{
		Addr:          netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
		HWAddr:        lease.HWAddr{Bytes: []byte{0x02, 0, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}, Type: lease.HTypeEther},
		ClientID:      []byte{1, 0x02, 0, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)},
		ValidLifetime: 3600,
		CLTT:          1_700_000_000 + int64(i%3600),
		SubnetID:      uint32(1 + i%16),
	}
}

// filled returns an in-memory store with n leases and reports the heap
// growth per lease.
func filled(b *testing.B, n int) *Store4 {
	b.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := Open4(Config{Persist: false})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if err := s.AddLease4(benchLease(i)); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapPerLease = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
	return s
}

func BenchmarkAdd1M(b *testing.B) {
	s := filled(b, benchLeases)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l := benchLease(benchLeases + i)
		if err := s.AddLease4(l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(heapPerLease, "heapB/lease")
}

func BenchmarkGetByAddr1M(b *testing.B) {
	s := filled(b, benchLeases)
	addrs := make([]netip.Addr, 4096)
	for i := range addrs {
		addrs[i] = benchLease(i * 241).Addr
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Lease4(addrs[i%len(addrs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetByClientIDSubnet1M(b *testing.B) {
	s := filled(b, benchLeases)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l := benchLease(i * 241 % benchLeases)
		if _, err := s.Lease4ByClientIDSubnet(l.ClientID, l.SubnetID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdate1M(b *testing.B) {
	s := filled(b, benchLeases)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l := benchLease(i * 241 % benchLeases)
		l.CLTT += int64(i)
		if err := s.UpdateLease4(l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateParallel1M(b *testing.B) {
	s := filled(b, benchLeases)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l := benchLease(i * 7919 % benchLeases)
			l.CLTT += int64(i)
			if err := s.UpdateLease4(l); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkAppendRow measures one persisted update: the row formatted and
// written to the lease file with write(2).
func BenchmarkAppendRow(b *testing.B) {
	s, err := Open4(Config{Persist: true, Name: filepath.Join(b.TempDir(), "l.csv")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l := benchLease(1)
	s.AddLease4(l)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.CLTT++
		if err := s.UpdateLease4(l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad1M loads a lease file of 1,000,000 leases (one row each) at
// startup.
func BenchmarkLoad1M(b *testing.B) {
	name := filepath.Join(b.TempDir(), "kea-leases4.csv")
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(csv.Schema4.Header(12) + "\n")
	var buf []byte
	for i := range benchLeases {
		l := benchLease(i)
		l.Hostname = fmt.Sprintf("h%d.example.org", i)
		buf, _ = csv.AppendLease4(buf[:0], l)
		w.Write(buf)
	}
	w.Flush()
	f.Close()
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	var heap float64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		c0 := cpuTime()
		s, err := Open4(Config{Persist: true, Name: name})
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatal(err)
		}
		if s.Len() != benchLeases {
			b.Fatalf("loaded %d", s.Len())
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / benchLeases
		b.StartTimer()
		s.Close()
	}
	b.ReportMetric(heap, "heapB/lease")
	// CPU time (user+system, all threads) tells more than wall time on a
	// shared machine.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
