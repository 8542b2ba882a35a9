// Package keamsg is Kea 2.2's message catalogue for the parts Nestor
// re-implements (kea-dhcp4, kea-dhcp6, libdhcpsrv with the allocation
// engine and host managers, eval, hooks, commands, process control, LFC,
// database, log): one variable per message ID, so that
//
//	log.Info(keamsg.DHCP4_LEASE_ALLOC, query.Label(), addr, lifetime)
//
// prints what Kea prints. The texts live in the .mes files beside this one
// (Kea's message-file format) and are registered in klog's catalogue when
// the package loads; zz_*.go are generated from them by gen.go
// ("go generate"). Hook libraries register their own .mes files the same
// way with klog.MustRegisterMes.
package keamsg

//go:generate go run gen.go

import (
	"embed"
	"io/fs"

	"github.com/nestordhcp/nestor/klog"
)

//go:embed *.mes
var files embed.FS

var all = load()

func load() map[string]*klog.Message {
	out := map[string]*klog.Message{}
	names, _ := fs.Glob(files, "*.mes")
	for _, n := range names {
		src, _ := files.ReadFile(n)
		for id, m := range klog.MustRegisterMes(string(src)) {
			out[id] = m
		}
	}
	return out
}

// m returns a message of the embedded files; a generated name missing
// from them is a build mistake that any test of this package reports.
func m(id string) *klog.Message {
	msg := all[id]
	if msg == nil {
		panic("keamsg: no message " + id + " in the embedded .mes files; run go generate")
	}
	return msg
}

// Lookup returns a message of this catalogue by ID, or nil.
func Lookup(id string) *klog.Message { return all[id] }
