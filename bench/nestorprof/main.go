// Command nestorprof is the nestor command with the Go profiler attached,
// for benchmarking only (bench/profile.sh).
//
// When NESTOR_CPUPROFILE names a file, CPU profiling starts before
// nestorcmd.Main runs. SIGUSR1 stops it: the CPU profile is written to that
// file, the allocation profile to the same name with ".allocs" appended, and
// an empty file with ".done" appended marks that both are complete. The
// server keeps running until it is stopped as usual (SIGTERM), because
// nestorcmd.Main ends the process with os.Exit and the server's own SIGTERM
// handler would race a profile written on SIGTERM.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/nestordhcp/nestor/nestorcmd"
)

func main() {
	if path := os.Getenv("NESTOR_CPUPROFILE"); path != "" {
		if err := startProfile(path); err != nil {
			fmt.Fprintf(os.Stderr, "nestorprof: %v\n", err)
			os.Exit(1)
		}
	}
	nestorcmd.Main()
}

// startProfile starts the CPU profile into path and installs the SIGUSR1
// handler that finishes it.
func startProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		<-sig
		signal.Stop(sig)
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "nestorprof: %v\n", err)
			return
		}
		// a collection first, so that the in-use figures are current
		runtime.GC()
		if err := writeProfile("allocs", path+".allocs"); err != nil {
			fmt.Fprintf(os.Stderr, "nestorprof: %v\n", err)
			return
		}
		if err := os.WriteFile(path+".done", nil, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "nestorprof: %v\n", err)
		}
	}()
	return nil
}

// writeProfile writes the named runtime profile to path.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
