package hooks

// Hook points of the DHCPv4 server (kea-dhcp4), in processing order, with
// the arguments and statuses of Kea's dhcp4 hooks API and of Kea's code where
// it differs (noted). See points.go for how types and directions are read.
// context_create, context_destroy, command_processed and $<command> apply as
// well. There is no addr4_register, no lease4_rebind and no pkt4_* park
// point.
var (
	// Dhcp4SrvConfigured ("dhcp4_srv_configured") is called once the server
	// has committed a new configuration (startup, config-set,
	// config-reload), after the libraries are loaded. Callouts run on the
	// main goroutine only.
	//
	// Arguments:
	//   - io_context (IOService, in): deprecated; not passed by Nestor,
	//     which has no event loop to share: libraries start their
	//     goroutines and timers in Load and stop them in Unload.
	//   - network_state (NetworkState, in): enable/disable DHCP service.
	//   - json_config (json.RawMessage, in): the configuration as received.
	//   - server_config (SrvConfig, in): the parsed (staging) configuration.
	//   - error (string, out): why the configuration is rejected.
	//
	// Status: Drop rejects the configuration (answer code 1) with "error" as
	// the text, or "unknown error"; at startup the server exits. Others are
	// ignored. Use Manager.CallSrvConfigured.
	Dhcp4SrvConfigured = Register("dhcp4_srv_configured")

	// Cb4Updated ("cb4_updated") is called after a Config Backend update
	// was applied. Main goroutine only. Nestor has no config backend, so
	// the servers never call it (registered for libraries written for
	// Kea).
	//
	// Arguments: audit_entries (AuditEntryCollection, in): never nil, not
	// empty.
	//
	// Status: ignored.
	Cb4Updated = Register("cb4_updated")

	// Buffer4Receive ("buffer4_receive") is called when a datagram has been
	// received and not yet parsed.
	//
	// Arguments:
	//   - query4 (Pkt4, in/out): raw data, addresses and interface set;
	//     no header field or option is parsed yet. The callout may edit
	//     the raw data; if it sets the argument to nil the packet is
	//     dropped silently.
	//
	// Status: Drop drops the packet. Skip makes the server skip parsing:
	// the callout must have parsed the packet itself (otherwise mandatory
	// options are missing and the packet is dropped).
	Buffer4Receive = Register("buffer4_receive")

	// Pkt4Receive ("pkt4_receive") is called after the query was parsed.
	//
	// Arguments:
	//   - query4 (Pkt4, in/out): every field and option may be changed;
	//     changing the raw data has no effect any more.
	//
	// Status: Skip or Drop drops the packet (logged at debug level). The
	// library counts drop statistics itself.
	Pkt4Receive = Register("pkt4_receive")

	// Subnet4Select ("subnet4_select") is called when the subnet for the
	// query is being selected (also on the DHCPv4-over-DHCPv6 path).
	//
	// Arguments:
	//   - query4 (Pkt4, in/out).
	//   - subnet4 (Subnet4, in/out): the selected subnet, nil if none; a
	//     replacement must be one of the configured subnets.
	//   - subnet4collection (Subnet4Collection, in): all configured
	//     subnets; must not be modified.
	//
	// Status: Skip selects no subnet (processing continues, severely
	// limited). Drop drops the packet. Park parks the query (Kea's code,
	// used by RADIUS; not in the .dox): the server parks it before calling
	// the callouts and the unpark callback resumes the processing.
	Subnet4Select = Register("subnet4_select")

	// Host4Identifier ("host4_identifier") is called only when
	// host-reservation-identifiers contains "flex-id", before
	// subnet4_select when early-global-reservations-lookup is true,
	// otherwise while the host context is built.
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - id_type (Host::IdentifierType, in/out).
	//   - id_value ([]byte, out): the flexible identifier.
	//
	// Status: anything other than Continue means the identifier is not
	// used.
	Host4Identifier = Register("host4_identifier")

	// Ddns4Update ("ddns4_update") is called once the host name for the
	// lease and the DNS update flags are known, before NameChangeRequests
	// are made. In Kea's code it runs before the lease is allocated and
	// again after it if the subnet changed or the pool has DDNS parameters.
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - response4 (Pkt4, in).
	//   - subnet4 (Subnet4, in).
	//   - hostname (string, in/out): a change rewrites option 12, option 81
	//     and the FQDN of the DNS update.
	//   - fwd-update (bool, in/out): do the forward update.
	//   - rev-update (bool, in/out): do the reverse update.
	//   - ddns-params (DdnsParams, in).
	//
	// Status: ignored.
	Ddns4Update = Register("ddns4_update")

	// Lease4Select ("lease4_select") is called after the allocation engine
	// selected a lease (new, or a reused expired one), before it is written.
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - subnet4 (Subnet4, in).
	//   - fake_allocation (bool, in): true for DISCOVER (the lease is not
	//     written), false for REQUEST.
	//   - offer_lft (uint32, in): the offer lifetime (Kea's code; not in
	//     the .dox).
	//   - lease4 (Lease4, in/out): changes go to the lease store unchecked.
	//
	// Status: Skip assigns no lease; the callouts become responsible for
	// the assignment and, if they provide none, the client gets no address.
	// Drop is not meaningful.
	Lease4Select = Register("lease4_select")

	// Lease4Renew ("lease4_renew") is called before an existing lease is
	// renewed (DHCPREQUEST renewing).
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - subnet4 (Subnet4, in).
	//   - clientid (ClientId, in): nil when match-client-id is false.
	//   - hwaddr (HWAddr, in).
	//   - lease4 (Lease4, in/out): the updated values; changes are written
	//     unchecked.
	//
	// Status: Skip leaves the lease unchanged in the store; the old values
	// are used.
	Lease4Renew = Register("lease4_renew")

	// Lease4Release ("lease4_release") is called before a lease is released
	// on DHCPRELEASE.
	//
	// Arguments: query4 (Pkt4, in), lease4 (Lease4, in).
	//
	// Status: Skip or Drop keeps the lease; it expires normally.
	Lease4Release = Register("lease4_release")

	// Lease4Decline ("lease4_decline") is called before a lease is declined
	// on a DHCPDECLINE that passed the sanity checks.
	//
	// Arguments: query4 (Pkt4, in), lease4 (Lease4, in): still carries the
	// client's identity.
	//
	// Status: Skip or Drop does not decline the lease (the client believes
	// it was).
	Lease4Decline = Register("lease4_decline")

	// Leases4Committed ("leases4_committed") is called once all lease
	// changes of a DHCPREQUEST, DHCPRELEASE or DHCPDECLINE are applied (not
	// for DISCOVER or INFORM).
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - response4 (Pkt4, in): Kea's code; not in the .dox.
	//   - leases4 (Lease4Collection, in): the new lease, if any; never nil.
	//   - deleted_leases4 (Lease4Collection, in): the replaced or released
	//     lease, if any; never nil.
	//
	// Status: Drop drops the response. Park parks the query: the server
	// parks it (Manager.Park, the parked object being the query4 value)
	// before calling the callouts; a callout references query4 through
	// CalloutHandle.ParkingLot before returning with Park, and the unpark
	// callback runs pkt4_send and buffer4_send and sends the response.
	Leases4Committed = Register("leases4_committed")

	// Lease4Offer ("lease4_offer") is called for DISCOVER instead of
	// leases4_committed, once the OFFER is built and before it is sent.
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - response4 (Pkt4, in): the OFFER (Kea's code).
	//   - leases4 (Lease4Collection, in): the candidate lease.
	//   - offer_lifetime (uint32, in): > 0 means the lease was allocated
	//     temporarily and exists in the store.
	//   - old_lease (Lease4, in): the client's previous lease, or nil.
	//   - host (Host, in): the client's reservation, or nil (Kea's code).
	//   - offer_address_in_use (bool, out): set before unparking; true
	//     declines the address (absent is logged and read as false).
	//
	// Status: Drop discards the OFFER. Park parks the query as at
	// leases4_committed; on unpark, offer_address_in_use true makes the
	// server discard the OFFER, mark the lease DECLINED, update the
	// statistics and call lease4_server_decline; false sends the OFFER.
	Lease4Offer = Register("lease4_offer")

	// Lease4ServerDecline ("lease4_server_decline") is called after a
	// lease4_offer callout reported the address in use: the OFFER is
	// discarded and the lease is DECLINED.
	//
	// Arguments: query4 (Pkt4, in), lease4 (Lease4, in): the declined
	// lease.
	//
	// Status: ignored.
	Lease4ServerDecline = Register("lease4_server_decline")

	// Pkt4Send ("pkt4_send") is called when the response is about to be
	// packed.
	//
	// Arguments:
	//   - query4 (Pkt4, in).
	//   - response4 (Pkt4, in/out): everything but the output buffer may
	//     be changed.
	//   - subnet4 (Subnet4, in): the selected subnet, or nil.
	//
	// Status: Skip makes the server not pack the response: the callout
	// must have packed it, or a zero-length packet is sent. Drop drops the
	// response.
	Pkt4Send = Register("pkt4_send")

	// Buffer4Send ("buffer4_send") is called when the response is packed
	// and about to be sent.
	//
	// Arguments: response4 (Pkt4, in/out): the wire form is in the output
	// buffer; changing fields or options has no effect.
	//
	// Status: Skip or Drop does not send the response (server state has
	// already changed).
	Buffer4Send = Register("buffer4_send")

	// Lease4Expire ("lease4_expire") is called for each expired lease during
	// reclamation.
	//
	// Arguments:
	//   - lease4 (Lease4, in/out).
	//   - remove_lease (bool, in): true when flush-reclaimed-timer-wait-time
	//     is 0 (the lease is removed rather than kept expired-reclaimed).
	//
	// Status: Skip means the callout reclaimed the lease itself (DNS removal
	// and store update); if it did not, the lease is processed again in the
	// next run.
	Lease4Expire = Register("lease4_expire")

	// Lease4Recover ("lease4_recover") is called for each declined lease
	// whose decline-probation-period has elapsed.
	//
	// Arguments: lease4 (Lease4, in).
	//
	// Status: Skip skips the recovery: the lease is not removed and the
	// declined-address statistics are not moved. As in Kea's code (the .dox
	// says the lease stays declined), reclamation still marks it
	// expired-reclaimed.
	Lease4Recover = Register("lease4_recover")
)
