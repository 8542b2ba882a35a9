package hooks

// Hook points of the DHCP-DDNS daemon (kea-dhcp-ddns), from Kea's D2 code
// and the inventory of hook points. context_create, context_destroy,
// command_processed, $<command>, http_auth and http_response apply as well.
var (
	// D2SrvConfigured ("d2_srv_configured") is called when D2 has completed
	// its (re)configuration.
	//
	// Arguments:
	//   - io_context (IOService, in): deprecated.
	//   - json_config (json.RawMessage, in): the configuration as received.
	//   - server_config (D2CfgContext, in): the parsed configuration.
	//   - error (string, out): why the configuration is rejected.
	//
	// Status: Drop rejects the configuration with the "error" argument as
	// the reason ("unknown error" when unset); at startup the daemon exits.
	// Use Manager.CallSrvConfigured.
	D2SrvConfigured = Register("d2_srv_configured")

	// SelectKey ("select_key") is called when D2 picks the TSIG key for a
	// DNS server (used by GSS-TSIG).
	//
	// Arguments:
	//   - current_server (DnsServerInfo, in).
	//   - tsig_key (D2TsigKey, in/out): the key to use.
	//
	// Status: anything other than Continue skips the current DNS server.
	SelectKey = Register("select_key")
)
