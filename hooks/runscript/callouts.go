package runscript

// calloutSpec is one hook point a library uses and how it builds the
// script's environment there.
type calloutSpec struct {
	hook string
	env  envFunc
}

// iscCallouts are the hook points of ISC's libdhcp_run_script.so, in the
// ARM's order.
var iscCallouts = []calloutSpec{
	{"lease4_renew", iscLease4Renew},
	{"lease4_expire", iscLease4Expire},
	{"lease4_recover", iscLease4Recover},
	{"leases4_committed", iscLeases4Committed},
	{"lease4_release", iscQueryLease4},
	{"lease4_decline", iscQueryLease4},
	{"lease6_renew", iscLease6RenewRebind},
	{"lease6_rebind", iscLease6RenewRebind},
	{"lease6_expire", iscLease6Expire},
	{"lease6_recover", iscLease6Recover},
	{"leases6_committed", iscLeases6Committed},
	{"lease6_release", iscQueryLease6},
	{"lease6_decline", iscQueryLease6},
}

// thirdPartyCallouts are the hook points of kea-hook-runscript.so, in its
// README's order.
var thirdPartyCallouts = []calloutSpec{
	{"pkt4_receive", tpPkt4Receive},
	{"pkt4_send", tpPkt4Send},
	{"subnet4_select", tpSubnet4Select},
	{"lease4_select", tpLease4Select},
	{"lease4_renew", tpLease4Renew},
	{"lease4_release", tpQueryLease4},
	{"lease4_decline", tpQueryLease4},
	{"lease4_expire", tpLease4Expire},
	{"lease4_recover", tpLease4Recover},
	{"pkt6_receive", tpPkt6Receive},
	{"pkt6_send", tpPkt6Send},
	{"subnet6_select", tpSubnet6Select},
	{"lease6_select", tpLease6Select},
	{"lease6_renew", tpQueryLease6},
	{"lease6_rebind", tpQueryLease6},
	{"lease6_decline", tpLease6Decline},
	{"lease6_release", tpQueryLease6},
	{"lease6_expire", tpLease6Expire},
	{"lease6_recover", tpLease6Recover},
}
