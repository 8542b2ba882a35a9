package config

// ScopeParams are the parameters both DHCP servers take at global,
// shared-network and subnet level. Every field is optional: an unset field
// is inherited from the enclosing scope (see inherit.go).
type ScopeParams struct {
	ValidLifetime    Opt[uint32]
	MinValidLifetime Opt[uint32]
	MaxValidLifetime Opt[uint32]
	RenewTimer       Opt[uint32]
	RebindTimer      Opt[uint32]

	CalculateTeeTimes Opt[bool]
	T1Percent         Opt[float64]
	T2Percent         Opt[float64]

	CacheThreshold Opt[float64]
	CacheMaxAge    Opt[uint32]

	// ReservationMode is the deprecated form, kept as written; decoding
	// maps it onto the three flags below when they are not set.
	ReservationMode       Opt[string]
	ReservationsGlobal    Opt[bool]
	ReservationsInSubnet  Opt[bool]
	ReservationsOutOfPool Opt[bool]

	HostnameCharSet         Opt[string]
	HostnameCharReplacement Opt[string]

	DDNSSendUpdates            Opt[bool]
	DDNSOverrideNoUpdate       Opt[bool]
	DDNSOverrideClientUpdate   Opt[bool]
	DDNSReplaceClientName      Opt[string]
	DDNSGeneratedPrefix        Opt[string]
	DDNSQualifyingSuffix       Opt[string]
	DDNSUpdateOnRenew          Opt[bool]
	DDNSUseConflictResolution  Opt[bool]
	DDNSConflictResolutionMode Opt[string]
	DDNSTTLPercent             Opt[float64]

	StoreExtendedInfo Opt[bool]
	Allocator         Opt[string]

	OptionData  []*OptionData
	UserContext *Node
}

// Scope4 adds the DHCPv4-only scope parameters.
type Scope4 struct {
	ScopeParams
	MatchClientID  Opt[bool]
	Authoritative  Opt[bool]
	NextServer     Opt[string]
	ServerHostname Opt[string]
	BootFileName   Opt[string]
	OfferLifetime  Opt[uint32]
}

// Relay is the relay selector of a subnet or shared network.
type Relay struct {
	IPAddresses []string
}

// Selectors are the subnet-selection keys shared networks and subnets have
// in common.
type Selectors struct {
	Interface            Opt[string]
	Relay                *Relay
	ClientClass          Opt[string]
	RequireClientClasses []string
}

// The defaults Kea uses when no scope sets a parameter.
const (
	DefaultValidLifetime     = 7200
	DefaultT1Percent         = 0.5
	DefaultT2Percent         = 0.875
	DefaultT2Percent6        = 0.8
	DefaultHostnameCharSet   = "[^A-Za-z0-9.-]"
	DefaultGeneratedPrefix   = "myhost"
	DefaultReplaceClientName = "never"
	DefaultConflictMode      = "check-with-dhcid"
	DefaultAllocator         = "iterative"
	DefaultDeclineProbation  = 86400
	DefaultParkedPacketLimit = 256
	DefaultStatSampleCount   = 20
	DefaultPreferredLifetime = 3600
)
