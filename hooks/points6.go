package hooks

// Hook points of the DHCPv6 server (kea-dhcp6), in processing order, with
// the arguments and statuses of Kea's dhcp6 hooks API and of Kea's code where
// it differs (noted). See points.go for how types and directions are read.
// context_create, context_destroy, command_processed and $<command> apply as
// well. There is no lease6_offer and no lease6_server_decline.
var (
	// Dhcp6SrvConfigured ("dhcp6_srv_configured") is called once the server
	// has committed a new configuration. Main goroutine only.
	//
	// Arguments: io_context (IOService, in, deprecated; not passed by
	// Nestor, see Dhcp4SrvConfigured), network_state
	// (NetworkState, in), json_config (json.RawMessage, in), server_config
	// (SrvConfig, in), error (string, out).
	//
	// Status: Drop rejects the configuration (code 1) with "error" as the
	// text, or "unknown error"; at startup the server exits. Use
	// Manager.CallSrvConfigured.
	Dhcp6SrvConfigured = Register("dhcp6_srv_configured")

	// Cb6Updated ("cb6_updated") is called after a Config Backend update
	// was applied. Main goroutine only. Never called by Nestor (no config
	// backend).
	//
	// Arguments: audit_entries (AuditEntryCollection, in): never nil, not
	// empty.
	//
	// Status: ignored.
	Cb6Updated = Register("cb6_updated")

	// Buffer6Receive ("buffer6_receive") is called when a datagram has been
	// received and not yet parsed.
	//
	// Arguments: query6 (Pkt6, in/out): raw data, addresses, ports and
	// interface set; no option is parsed yet.
	//
	// Status: Drop drops the packet. Skip makes the server skip parsing: the
	// callout must have parsed the packet itself.
	Buffer6Receive = Register("buffer6_receive")

	// Pkt6Receive ("pkt6_receive") is called after the query was parsed.
	//
	// Arguments: query6 (Pkt6, in/out): everything but the raw data may be
	// changed.
	//
	// Status: Skip or Drop drops the packet. The library counts drop
	// statistics itself.
	Pkt6Receive = Register("pkt6_receive")

	// Subnet6Select ("subnet6_select") is called when the subnet for the
	// query is being selected.
	//
	// Arguments:
	//   - query6 (Pkt6, in/out).
	//   - subnet6 (Subnet6, in/out): the selected subnet, or nil; a
	//     replacement must be one of the configured subnets.
	//   - subnet6collection (Subnet6Collection, in): must not be modified.
	//
	// Status: Skip selects no subnet (processing continues, severely
	// limited). Drop drops the packet. Park parks the query (Kea's code,
	// used by RADIUS); the unpark callback resumes the processing.
	Subnet6Select = Register("subnet6_select")

	// Host6Identifier ("host6_identifier") is called only when
	// host-reservation-identifiers contains "flex-id" (in Kea, before
	// subnet6_select when early-global-reservations-lookup is true; Nestor's
	// kea-dhcp6 calls it after subnet selection, while the host identifiers
	// are collected).
	//
	// Arguments: query6 (Pkt6, in), id_type (Host::IdentifierType, in/out;
	// Go type host.IdentifierType), id_value ([]byte, out).
	//
	// Status: anything other than Continue means the identifier is not
	// used.
	Host6Identifier = Register("host6_identifier")

	// Ddns6Update ("ddns6_update") is called once the host name and the DNS
	// update flags are known, before the leases are assigned or extended.
	//
	// Arguments:
	//   - query6 (Pkt6, in).
	//   - response6 (Pkt6, in).
	//   - subnet6 (Subnet6, in).
	//   - hostname (string, in/out): a change rewrites option 39 and the
	//     FQDN of the DNS update.
	//   - fwd-update (bool, in/out), rev-update (bool, in/out): Kea's code
	//     spells them with hyphens (the 2022 .dox says fwd_update,
	//     rev_update).
	//   - ddns-params (DdnsParams, in).
	//
	// Status: ignored.
	Ddns6Update = Register("ddns6_update")

	// Lease6Select ("lease6_select") is called for each lease (address or
	// prefix) the allocation engine selected, before it is written.
	//
	// Arguments:
	//   - query6 (Pkt6, in).
	//   - subnet6 (Subnet6, in).
	//   - fake_allocation (bool, in): true for SOLICIT without rapid commit.
	//   - lease6 (Lease6, in/out): changes are written unchecked.
	//
	// Status: Skip does not assign this lease; other IAs are still
	// processed. Drop is not meaningful.
	Lease6Select = Register("lease6_select")

	// Lease6Renew ("lease6_renew") is called once per IA before an existing
	// lease is renewed.
	//
	// Arguments:
	//   - query6 (Pkt6, in).
	//   - lease6 (Lease6, in/out): must not change the address.
	//   - ia_na (Option6IA, in/out) or ia_pd (Option6IA, in/out): only one
	//     of the two is set; the IA of the response being built (Go type
	//     *dhcp6.IA): its IAID, T1 and T2 still 0 as in Kea, where they
	//     are set once the leases are extended. The same value is passed
	//     for each lease of the IA; the reply's IA gets the IAID it holds
	//     after the callouts and the options they added to Options
	//     (View.Append), after the server's IAADDRs/IAPREFIXes. T1 and T2
	//     are the server's, set afterwards as in Kea.
	//
	// Status: Skip does not renew the lease; the callout should fix the IA
	// in the response.
	Lease6Renew = Register("lease6_renew")

	// Lease6Rebind ("lease6_rebind") is lease6_renew for REBIND: the same
	// arguments. Status: Skip does not rebind the lease.
	Lease6Rebind = Register("lease6_rebind")

	// Lease6Release ("lease6_release") is called for each IA_NA and IA_PD
	// lease before it is released.
	//
	// Arguments: query6 (Pkt6, in), lease6 (Lease6, in/out).
	//
	// Status: Skip or Drop keeps the lease until it expires, but the reply
	// is sent as if it was released.
	Lease6Release = Register("lease6_release")

	// Lease6Decline ("lease6_decline") is called before a lease is declined.
	//
	// Arguments: query6 (Pkt6, in), lease6 (Lease6, in/out).
	//
	// Status: Skip does not decline the lease but the reply says it was.
	// Drop does not decline it and sends no reply.
	Lease6Decline = Register("lease6_decline")

	// Addr6Register ("addr6_register") is called for an ADDR-REG-INFORM
	// (Kea 2.7 and later).
	//
	// Arguments:
	//   - query6 (Pkt6, in).
	//   - response6 (Pkt6, in).
	//   - address6 (IOAddress, in).
	//   - old_lease6 (Lease6, in): may be nil.
	//   - new_lease6 (Lease6, in).
	//
	// Status: Skip skips adding or updating the lease, but the reply and
	// the DNS updates not relying on the lease are done. Drop drops the
	// query.
	Addr6Register = Register("addr6_register")

	// Leases6Committed ("leases6_committed") is called once all lease
	// changes are applied, for SOLICIT with rapid commit, REQUEST, RENEW,
	// REBIND, RELEASE and DECLINE (not plain SOLICIT, CONFIRM or
	// INFORMATION-REQUEST).
	//
	// Arguments:
	//   - query6 (Pkt6, in).
	//   - response6 (Pkt6, in): Kea's code.
	//   - leases6 (Lease6Collection, in): never nil.
	//   - deleted_leases6 (Lease6Collection, in): never nil.
	//
	// Status: Drop drops the response. Park parks the query as at
	// leases4_committed; the unpark callback runs pkt6_send and
	// buffer6_send and sends the response.
	Leases6Committed = Register("leases6_committed")

	// Pkt6Send ("pkt6_send") is called when the response is about to be
	// packed.
	//
	// Arguments: query6 (Pkt6, in), response6 (Pkt6, in/out), subnet6
	// (Subnet6, in; nil if none).
	//
	// Status: Skip makes the server not pack the response (a zero-size
	// message is sent if the callout did not pack it). Drop drops the
	// response.
	Pkt6Send = Register("pkt6_send")

	// Buffer6Send ("buffer6_send") is called when the response is packed and
	// about to be sent.
	//
	// Arguments: response6 (Pkt6, in/out): only the output buffer still
	// matters.
	//
	// Status: Skip or Drop does not send the response.
	Buffer6Send = Register("buffer6_send")

	// Lease6Expire ("lease6_expire") is called for each expired lease during
	// reclamation.
	//
	// Arguments: lease6 (Lease6, in/out), remove_lease (bool, in).
	//
	// Status: Skip means the callout reclaimed the lease itself.
	Lease6Expire = Register("lease6_expire")

	// Lease6Recover ("lease6_recover") is called for each declined lease
	// whose probation period has elapsed.
	//
	// Arguments: lease6 (Lease6, in).
	//
	// Status: Skip skips the recovery.
	Lease6Recover = Register("lease6_recover")
)
