package hooks

import "fmt"

// NextStep is the status callouts leave on a CalloutHandle: what the server
// should do after the hook point. Its exact meaning depends on the hook
// point (see each Point's documentation); a status a hook point does not
// support is treated as Continue.
type NextStep int

// Kea's NEXT_STEP_* values.
const (
	// Continue: proceed normally. Manager.Call resets the status to it.
	Continue NextStep = 0
	// Skip: skip the server's next step (the callout did it); several hook
	// points read it as Drop for historical reasons.
	Skip NextStep = 1
	// Drop: drop the packet (or reject, at the *_srv_configured points).
	// A callout returning an error forces it.
	Drop NextStep = 2
	// Park: hold the packet until a library unparks it; honoured only at
	// leases4_committed, lease4_offer, leases6_committed, subnet4_select and
	// subnet6_select.
	Park NextStep = 3
)

// String returns Kea's name of the status.
func (s NextStep) String() string {
	switch s {
	case Continue:
		return "NEXT_STEP_CONTINUE"
	case Skip:
		return "NEXT_STEP_SKIP"
	case Drop:
		return "NEXT_STEP_DROP"
	case Park:
		return "NEXT_STEP_PARK"
	}
	return fmt.Sprintf("NextStep(%d)", int(s))
}
