package dhcp6

import "strconv"

// OptionCode is a DHCPv6 option code (2 octets on the wire).
type OptionCode uint16

// Option codes as assigned by IANA, named after Kea's D6O_* constants.
const (
	OptClientID            OptionCode = 1
	OptServerID            OptionCode = 2
	OptIANA                OptionCode = 3
	OptIATA                OptionCode = 4
	OptIAAddr              OptionCode = 5
	OptORO                 OptionCode = 6
	OptPreference          OptionCode = 7
	OptElapsedTime         OptionCode = 8
	OptRelayMsg            OptionCode = 9
	OptAuth                OptionCode = 11
	OptUnicast             OptionCode = 12
	OptStatusCode          OptionCode = 13
	OptRapidCommit         OptionCode = 14
	OptUserClass           OptionCode = 15
	OptVendorClass         OptionCode = 16
	OptVendorOpts          OptionCode = 17
	OptInterfaceID         OptionCode = 18
	OptReconfMsg           OptionCode = 19
	OptReconfAccept        OptionCode = 20
	OptSIPServersDNS       OptionCode = 21
	OptSIPServersAddr      OptionCode = 22
	OptNameServers         OptionCode = 23 // Kea: dns-servers
	OptDomainSearch        OptionCode = 24
	OptIAPD                OptionCode = 25
	OptIAPrefix            OptionCode = 26
	OptNISServers          OptionCode = 27
	OptNISPServers         OptionCode = 28
	OptNISDomainName       OptionCode = 29
	OptNISPDomainName      OptionCode = 30
	OptSNTPServers         OptionCode = 31
	OptInformationRefresh  OptionCode = 32
	OptBCMCSServerD        OptionCode = 33
	OptBCMCSServerA        OptionCode = 34
	OptGeoconfCivic        OptionCode = 36
	OptRemoteID            OptionCode = 37
	OptSubscriberID        OptionCode = 38
	OptClientFQDN          OptionCode = 39
	OptPANAAgent           OptionCode = 40
	OptNewPosixTimezone    OptionCode = 41
	OptNewTZDBTimezone     OptionCode = 42
	OptERO                 OptionCode = 43
	OptLQQuery             OptionCode = 44
	OptClientData          OptionCode = 45
	OptCLTTime             OptionCode = 46
	OptLQRelayData         OptionCode = 47
	OptLQClientLink        OptionCode = 48
	OptV6Lost              OptionCode = 51
	OptCapwapACV6          OptionCode = 52
	OptRelayID             OptionCode = 53
	OptNTPServer           OptionCode = 56
	OptV6AccessDomain      OptionCode = 57
	OptSIPUACSList         OptionCode = 58
	OptBootfileURL         OptionCode = 59
	OptBootfileParam       OptionCode = 60
	OptClientArchType      OptionCode = 61
	OptNII                 OptionCode = 62
	OptAFTRName            OptionCode = 64
	OptERPLocalDomainName  OptionCode = 65
	OptRSOO                OptionCode = 66
	OptPDExclude           OptionCode = 67
	OptRDNSSSelection      OptionCode = 74
	OptClientLinklayerAddr OptionCode = 79
	OptLinkAddress         OptionCode = 80
	OptSolMaxRT            OptionCode = 82
	OptInfMaxRT            OptionCode = 83
	OptDHCPv4Msg           OptionCode = 87
	OptDHCPv4ODHCPv6Server OptionCode = 88
	OptS46Rule             OptionCode = 89
	OptS46BR               OptionCode = 90
	OptS46DMR              OptionCode = 91
	OptS46V4V6Bind         OptionCode = 92
	OptS46PortParams       OptionCode = 93
	OptS46ContMapE         OptionCode = 94
	OptS46ContMapT         OptionCode = 95
	OptS46ContLW           OptionCode = 96
	OptV6CaptivePortal     OptionCode = 103
	OptRelaySourcePort     OptionCode = 135
	OptIPv6AddressANDSF    OptionCode = 143
	OptV6DNR               OptionCode = 144 // RFC 9463
	optCodeNamesLen                   = 145
)

// Names of option codes as Kea's dhcp6.h spells them without the D6O_
// prefix.
var optionNames = [optCodeNamesLen]string{
	OptClientID:            "CLIENTID",
	OptServerID:            "SERVERID",
	OptIANA:                "IA_NA",
	OptIATA:                "IA_TA",
	OptIAAddr:              "IAADDR",
	OptORO:                 "ORO",
	OptPreference:          "PREFERENCE",
	OptElapsedTime:         "ELAPSED_TIME",
	OptRelayMsg:            "RELAY_MSG",
	OptAuth:                "AUTH",
	OptUnicast:             "UNICAST",
	OptStatusCode:          "STATUS_CODE",
	OptRapidCommit:         "RAPID_COMMIT",
	OptUserClass:           "USER_CLASS",
	OptVendorClass:         "VENDOR_CLASS",
	OptVendorOpts:          "VENDOR_OPTS",
	OptInterfaceID:         "INTERFACE_ID",
	OptReconfMsg:           "RECONF_MSG",
	OptReconfAccept:        "RECONF_ACCEPT",
	OptSIPServersDNS:       "SIP_SERVERS_DNS",
	OptSIPServersAddr:      "SIP_SERVERS_ADDR",
	OptNameServers:         "NAME_SERVERS",
	OptDomainSearch:        "DOMAIN_SEARCH",
	OptIAPD:                "IA_PD",
	OptIAPrefix:            "IAPREFIX",
	OptNISServers:          "NIS_SERVERS",
	OptNISPServers:         "NISP_SERVERS",
	OptNISDomainName:       "NIS_DOMAIN_NAME",
	OptNISPDomainName:      "NISP_DOMAIN_NAME",
	OptSNTPServers:         "SNTP_SERVERS",
	OptInformationRefresh:  "INFORMATION_REFRESH_TIME",
	OptBCMCSServerD:        "BCMCS_SERVER_D",
	OptBCMCSServerA:        "BCMCS_SERVER_A",
	OptGeoconfCivic:        "GEOCONF_CIVIC",
	OptRemoteID:            "REMOTE_ID",
	OptSubscriberID:        "SUBSCRIBER_ID",
	OptClientFQDN:          "CLIENT_FQDN",
	OptPANAAgent:           "PANA_AGENT",
	OptNewPosixTimezone:    "NEW_POSIX_TIMEZONE",
	OptNewTZDBTimezone:     "NEW_TZDB_TIMEZONE",
	OptERO:                 "ERO",
	OptLQQuery:             "LQ_QUERY",
	OptClientData:          "CLIENT_DATA",
	OptCLTTime:             "CLT_TIME",
	OptLQRelayData:         "LQ_RELAY_DATA",
	OptLQClientLink:        "LQ_CLIENT_LINK",
	OptV6Lost:              "V6_LOST",
	OptCapwapACV6:          "CAPWAP_AC_V6",
	OptRelayID:             "RELAY_ID",
	OptNTPServer:           "NTP_SERVER",
	OptV6AccessDomain:      "V6_ACCESS_DOMAIN",
	OptSIPUACSList:         "SIP_UA_CS_LIST",
	OptBootfileURL:         "BOOTFILE_URL",
	OptBootfileParam:       "BOOTFILE_PARAM",
	OptClientArchType:      "CLIENT_ARCH_TYPE",
	OptNII:                 "NII",
	OptAFTRName:            "AFTR_NAME",
	OptERPLocalDomainName:  "ERP_LOCAL_DOMAIN_NAME",
	OptRSOO:                "RSOO",
	OptPDExclude:           "PD_EXCLUDE",
	OptRDNSSSelection:      "RDNSS_SELECTION",
	OptClientLinklayerAddr: "CLIENT_LINKLAYER_ADDR",
	OptLinkAddress:         "LINK_ADDRESS",
	OptSolMaxRT:            "SOL_MAX_RT",
	OptInfMaxRT:            "INF_MAX_RT",
	OptDHCPv4Msg:           "DHCPV4_MSG",
	OptDHCPv4ODHCPv6Server: "DHCPV4_O_DHCPV6_SERVER",
	OptS46Rule:             "S46_RULE",
	OptS46BR:               "S46_BR",
	OptS46DMR:              "S46_DMR",
	OptS46V4V6Bind:         "S46_V4V6BIND",
	OptS46PortParams:       "S46_PORTPARAMS",
	OptS46ContMapE:         "S46_CONT_MAPE",
	OptS46ContMapT:         "S46_CONT_MAPT",
	OptS46ContLW:           "S46_CONT_LW",
	OptV6CaptivePortal:     "V6_CAPTIVE_PORTAL",
	OptRelaySourcePort:     "RELAY_SOURCE_PORT",
	OptIPv6AddressANDSF:    "IPV6_ADDRESS_ANDSF",
	OptV6DNR:               "V6_DNR",
}

// String returns the Kea constant name of the code (without D6O_), or
// "OPTION_<n>" for a code without one.
func (c OptionCode) String() string {
	if int(c) < len(optionNames) && optionNames[c] != "" {
		return optionNames[c]
	}
	return "OPTION_" + strconv.Itoa(int(c))
}

// StatusCode is the status-code field of a STATUS_CODE option (RFC 8415
// 21.13, RFC 5007, RFC 5460).
type StatusCode uint16

// Status codes, named as Kea's STATUS_* constants.
const (
	StatusSuccess          StatusCode = 0
	StatusUnspecFail       StatusCode = 1
	StatusNoAddrsAvail     StatusCode = 2
	StatusNoBinding        StatusCode = 3
	StatusNotOnLink        StatusCode = 4
	StatusUseMulticast     StatusCode = 5
	StatusNoPrefixAvail    StatusCode = 6
	StatusUnknownQueryType StatusCode = 7
	StatusMalformedQuery   StatusCode = 8
	StatusNotConfigured    StatusCode = 9
	StatusNotAllowed       StatusCode = 10
	StatusQueryTerminated  StatusCode = 11
)

var statusNames = [...]string{
	StatusSuccess:          "Success",
	StatusUnspecFail:       "UnspecFail",
	StatusNoAddrsAvail:     "NoAddrsAvail",
	StatusNoBinding:        "NoBinding",
	StatusNotOnLink:        "NotOnLink",
	StatusUseMulticast:     "UseMulticast",
	StatusNoPrefixAvail:    "NoPrefixAvail",
	StatusUnknownQueryType: "UnknownQueryType",
	StatusMalformedQuery:   "MalformedQuery",
	StatusNotConfigured:    "NotConfigured",
	StatusNotAllowed:       "NotAllowed",
	StatusQueryTerminated:  "QueryTerminated",
}

// String returns the RFC name of the status code, or "Status<n>".
func (s StatusCode) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status" + strconv.Itoa(int(s))
}
