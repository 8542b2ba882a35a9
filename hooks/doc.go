// Package hooks is Kea's hooks framework in Go: hook points, callout
// handles, hook libraries compiled into the binary and selected by Kea's
// library file names, parking of asynchronous packets, and control commands
// provided by libraries.
//
// Every Kea hook point exists here under its Kea name with Kea's arguments
// and statuses (points4.go, points6.go, pointsd2.go, points.go document each
// one: that documentation is the contract a library is written against).
// What differs from Kea is only what Go forces: libraries are Go values
// compiled in instead of shared objects, and callouts are registered
// explicitly instead of being found by symbol name.
//
// # Writing a library
//
// A library is a type implementing Library. Register a factory for it under
// Kea's file name in an init function, the way database/sql drivers
// register:
//
//	func init() {
//		hooks.RegisterLibrary("libdhcp_lease_cmds.so", func() hooks.Library { return &leaseCmds{} })
//	}
//
// A configuration entry {"library": ".../libdhcp_lease_cmds.so"} then loads
// it, whatever the directory: the Debian path
// /usr/lib/x86_64-linux-gnu/kea/hooks/, ISC's /usr/local/lib/kea/hooks/, or a
// bare name resolved against KEA_HOOKS_PATH (see ResolveLibrary for the
// lenient and strict path modes). An unknown name is a configuration error
// listing the libraries this binary has. The factory is called for every
// load, so each (re)configuration gets a fresh value, as a fresh dlopen
// would; it must be cheap and have no side effects, because Verify also
// calls it for config-test.
//
// Load(*LibraryHandle) is Kea's load(): read the "parameters" map (Parameters,
// Parameter, ParameterNames, or DecodeParameters to decode it strictly into
// a struct, rejecting unknown keys) and register the callouts and commands.
// An error fails the load and, with it, the whole configuration: every
// library loaded in the same pass is unloaded in reverse order and the
// server gets Kea's "One or more hook libraries failed to load". Unload() is
// Kea's unload(): drop every reference to server objects and stop any
// goroutine the library started; its error is only logged.
//
// Optional interfaces: MultiThreadingCompatible (a library without it cannot
// load while the server's multi-threading is enabled, as in Kea),
// DaemonRestricted (the daemons it supports), and ParametersValidator (lets
// config-test and config-set reject bad parameters before the old
// configuration is torn down).
//
// # Callouts
//
// A Callout is func(*CalloutHandle) error. Load registers each one with
// LibraryHandle.RegisterCallout("pkt4_receive", fn) — there is no
// standard-name scan in Go, so this includes callouts Kea would find by
// name. An unknown hook name is an error. The callouts of a hook point run
// in library order (the configuration order), then in registration order
// within a library. All of them run, whatever status an earlier one set.
//
// Arguments are read and written with the generic functions Get, MustGet and
// Set. The Go type must match exactly the type the server set (Kea's rule),
// so use the types the hook point's documentation names. Arguments whose
// values are pointers (packets, leases, subnets) may be changed in place;
// an in/out value argument (a string, a bool) is changed with Set. Libraries
// passing data to each other through arguments should put '$' or '%' in the
// names.
//
// The status (SetStatus: Continue, Skip, Drop, Park) tells the server what
// to do next; its meaning is specific to each hook point and a status a
// point does not support is ignored. Call resets it to Continue before the
// first callout. Check Status first thing: return early on Drop, and do not
// unpack or pack again on Skip. Do not turn another library's Skip or Drop
// back into Continue. A callout returning an error (or panicking) is logged
// with HOOKS_CALLOUT_EXCEPTION and forces Drop; the next callouts still run.
// When a callout drops a query it is the library's job to count the drop
// statistics (pkt4-receive-drop and so on).
//
// Context (SetContext, GetContext, GetOptionalContext, ContextNames,
// DeleteContext) is per packet and per library: one library never sees
// another's items. It lives from the context_create hook point, called when
// the packet's handle is created, to context_destroy, called when it is
// released; the arguments, by contrast, are cleared at every hook point.
//
// # Commands
//
// LibraryHandle.RegisterCommand("lease4-get", fn) makes the library handle a
// control command (hook point "$lease4_get"). A handler reads the "command"
// argument (json.RawMessage, the whole command; ParseCommand splits it) and
// sets "response" (json.RawMessage, built with CreateAnswer), returning nil
// even when the command failed. Library handlers take precedence over the
// server's built-in command of the same name; when several libraries handle
// one command, all handlers run in order and each may replace the response.
// The command_processed hook point sees every command's response and may
// replace it. JSON crosses this API as json.RawMessage: exact numbers, no
// cost when nobody looks, one type for Get.
//
// # Parking
//
// At leases4_committed, lease4_offer, leases6_committed, subnet4_select and
// subnet6_select the server parks the query before calling the callouts. A
// callout that must wait for something (a RADIUS answer, a ping) takes a
// reference through CalloutHandle.ParkingLot before returning with Park, and
// calls Unpark on the lot handle from any goroutine when done; the packet
// resumes when every reference is released. Dereference gives up a
// reference without resuming; Drop discards the packet. A lot holds at most
// parked-packet-limit packets (default 256); parking lots are emptied on
// every reconfiguration.
//
// # Multi-threading
//
// Packet callouts run concurrently on the server's packet goroutines, each
// packet on one goroutine at a time: a MultiThreadingCompatible library must
// protect its own shared state. The library lifecycle — the factory, Load,
// Unload, ValidateParameters — and the dhcp4_srv_configured,
// dhcp6_srv_configured, d2_srv_configured, cb4_updated and cb6_updated
// callouts run on the server's main goroutine and need no locking against
// each other. Command handlers and command_processed callouts run on the
// control-channel goroutine while packets are being processed: a handler
// that changes the server's configuration must use the server's critical
// section. Unpark callbacks run on the goroutine that unparks.
//
// # For servers
//
// A hook point in the server looks like this; when no library registered a
// callout it costs one CalloutsPresent (a couple of nanoseconds, no
// allocation):
//
//	if mgr.CalloutsPresent(hooks.Pkt4Receive) {
//		h := pkt.CalloutHandle(mgr) // pkt embeds hooks.CalloutHandleAssociate
//		state := h.ScopedState()
//		hooks.Set(h, "query4", pkt)
//		mgr.Call(hooks.Pkt4Receive, h)
//		status := h.Status()
//		state.Close()
//		if status == hooks.Skip || status == hooks.Drop { ... drop ... }
//	}
//
// and pkt.ResetCalloutHandle() when the packet is done. Manager.Verify checks
// a hooks-libraries list while a configuration is parsed (config-test);
// Manager.LoadLibraries commits it, reloading every library even when the
// list did not change; Manager.CallSrvConfigured runs the *_srv_configured
// point and returns the rejection, if any; Manager.HandleCommand,
// Manager.CommandNames and Manager.CommandProcessed serve the command
// channel. Pause packet processing around LoadLibraries.
package hooks
