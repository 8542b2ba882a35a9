package storetest

import (
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/nestordhcp/nestor/lease"
)

func benchLease(i int) *lease.Lease4 {
	l := Lease4(0)
	l.Addr = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
	l.HWAddr.Bytes = []byte{0xaa, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}
	l.ClientID = []byte{1, 0xaa, byte(i >> 16), byte(i >> 8), byte(i)}
	return l
}

// Bench4 measures AddLease4, UpdateLease4 and Lease4 on one store, one
// caller at a time and with parallel callers (the server's threads).
// Each Add inserts a new address; Update and Get run on the leases added.
func Bench4(b *testing.B, s lease.Store4) {
	var next atomic.Int64
	n := 0
	b.Run("Add", func(b *testing.B) {
		for b.Loop() {
			if err := s.AddLease4(benchLease(int(next.Add(1)))); err != nil {
				b.Fatal(err)
			}
		}
	})
	n = int(next.Load())
	b.Run("Update", func(b *testing.B) {
		i := 0
		for b.Loop() {
			l := benchLease(1 + i%n)
			l.CLTT += int64(i)
			if err := s.UpdateLease4(l); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Get", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.Lease4(benchLease(1 + i%n).Addr); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("AddParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.AddLease4(benchLease(int(next.Add(1)))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("GetParallel", func(b *testing.B) {
		var k atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Lease4(benchLease(1 + int(k.Add(1))%n).Addr); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
