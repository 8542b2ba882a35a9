package config

// readScopeParams reads the parameters common to every scope of both DHCP
// servers from r's map into p.
func (d *decoder) readScopeParams(r *reader, p *ScopeParams) {
	r.u32("valid-lifetime", &p.ValidLifetime)
	r.u32("min-valid-lifetime", &p.MinValidLifetime)
	r.u32("max-valid-lifetime", &p.MaxValidLifetime)
	r.u32("renew-timer", &p.RenewTimer)
	r.u32("rebind-timer", &p.RebindTimer)
	r.bool("calculate-tee-times", &p.CalculateTeeTimes)
	r.float("t1-percent", &p.T1Percent)
	r.float("t2-percent", &p.T2Percent)
	r.float("cache-threshold", &p.CacheThreshold)
	r.u32("cache-max-age", &p.CacheMaxAge)
	r.str("reservation-mode", &p.ReservationMode)
	r.bool("reservations-global", &p.ReservationsGlobal)
	r.bool("reservations-in-subnet", &p.ReservationsInSubnet)
	r.bool("reservations-out-of-pool", &p.ReservationsOutOfPool)
	r.str("hostname-char-set", &p.HostnameCharSet)
	r.str("hostname-char-replacement", &p.HostnameCharReplacement)
	r.bool("ddns-send-updates", &p.DDNSSendUpdates)
	r.bool("ddns-override-no-update", &p.DDNSOverrideNoUpdate)
	r.bool("ddns-override-client-update", &p.DDNSOverrideClientUpdate)
	r.str("ddns-replace-client-name", &p.DDNSReplaceClientName)
	r.str("ddns-generated-prefix", &p.DDNSGeneratedPrefix)
	r.str("ddns-qualifying-suffix", &p.DDNSQualifyingSuffix)
	r.bool("ddns-update-on-renew", &p.DDNSUpdateOnRenew)
	r.bool("ddns-use-conflict-resolution", &p.DDNSUseConflictResolution)
	r.str("ddns-conflict-resolution-mode", &p.DDNSConflictResolutionMode)
	r.float("ddns-ttl-percent", &p.DDNSTTLPercent)
	r.bool("store-extended-info", &p.StoreExtendedInfo)
	r.str("allocator", &p.Allocator)
	p.UserContext = r.userContext()
	if r.err != nil {
		return
	}
	d.mapReservationMode(r, p)
	d.checkScopeValues(r, p)
	p.OptionData = d.readOptionDataList(r)
}

// mapReservationMode turns the deprecated reservation-mode into the three
// flags, as Kea 2.2 does, refusing a scope that has both forms.
func (d *decoder) mapReservationMode(r *reader, p *ScopeParams) {
	if !p.ReservationMode.Set {
		return
	}
	if p.ReservationsGlobal.Set || p.ReservationsInSubnet.Set || p.ReservationsOutOfPool.Set {
		r.fail(cfgErr(Pos{}, "invalid use of both 'reservation-mode' and one of 'reservations-global', 'reservations-in-subnet' or 'reservations-out-of-pool' parameters"))
		return
	}
	var g, in, oop bool
	switch p.ReservationMode.V {
	case "disabled":
	case "global":
		g = true
	case "out-of-pool":
		in, oop = true, true
	case "all":
		in = true
	}
	p.ReservationsGlobal, p.ReservationsInSubnet, p.ReservationsOutOfPool = Some(g), Some(in), Some(oop)
	d.warn("DHCPSRV_DEPRECATED_RESERVATION_MODE",
		"'reservation-mode' is deprecated, use 'reservations-global', 'reservations-in-subnet' and 'reservations-out-of-pool'", r.pos("reservation-mode"))
}

// checkScopeValues checks the enumerations and ranges Kea's parsers check
// when they read a scope.
func (d *decoder) checkScopeValues(r *reader, p *ScopeParams) {
	if p.DDNSConflictResolutionMode.Set {
		switch p.DDNSConflictResolutionMode.V {
		case "check-with-dhcid", "no-check-with-dhcid", "check-exists-with-dhcid", "no-check-without-dhcid":
		default:
			r.errorf(r.pos("ddns-conflict-resolution-mode"),
				"invalid ddns-conflict-resolution-mode: %s", p.DDNSConflictResolutionMode.V)
		}
	}
	if p.Allocator.Set {
		switch p.Allocator.V {
		case "iterative", "random", "flq":
		default:
			r.errorf(r.pos("allocator"), "supported allocators are: iterative, random and flq")
		}
	}
	if p.HostnameCharSet.Set && p.HostnameCharSet.V != "" {
		if err := d.checkCharSet(p.HostnameCharSet.V); err != nil {
			r.errorf(r.pos("hostname-char-set"), "invalid regex: '%s', %v", p.HostnameCharSet.V, err)
		}
	}
	if p.CacheThreshold.Set && (p.CacheThreshold.V <= 0 || p.CacheThreshold.V >= 1) {
		r.errorf(r.pos("cache-threshold"), "cache-threshold: %g is invalid, it must be greater than 0.0 and less than 1.0", p.CacheThreshold.V)
	}
	if p.DDNSTTLPercent.Set && p.DDNSTTLPercent.V < 0 {
		r.errorf(r.pos("ddns-ttl-percent"), "ddns-ttl-percent: %g is invalid, it must not be negative", p.DDNSTTLPercent.V)
	}
}

// readScope4 reads a DHCPv4 scope (global, shared network or subnet).
func (d *decoder) readScope4(r *reader, s *Scope4) {
	d.readScopeParams(r, &s.ScopeParams)
	r.bool("match-client-id", &s.MatchClientID)
	r.bool("authoritative", &s.Authoritative)
	r.str("next-server", &s.NextServer)
	r.str("server-hostname", &s.ServerHostname)
	r.str("boot-file-name", &s.BootFileName)
	r.u32("offer-lifetime", &s.OfferLifetime)
}

// readSelectors reads interface, relay and the class guards.
func (d *decoder) readSelectors(r *reader, s *Selectors, family int) {
	r.str("interface", &s.Interface)
	r.str("client-class", &s.ClientClass)
	s.RequireClientClasses = r.strings("require-client-classes")
	if rel := r.get("relay"); rel != nil {
		rr := newReader(rel)
		var one Opt[string]
		rr.str("ip-address", &one)
		addrs := rr.strings("ip-addresses")
		if one.Set && rel.Has("ip-addresses") {
			r.errorf(rel.Pos(), "specify either ip-address or ip-addresses, not both")
			return
		}
		if one.Set {
			addrs = []string{one.V}
		}
		for i, a := range addrs {
			at := rel.Pos()
			if l := rel.Get("ip-addresses"); l != nil && i < len(l.Items) {
				at = l.Items[i].Pos()
			}
			if !validAddr(a, family) {
				r.errorf(at, "address %s is not an IPv%d address", a, family)
				return
			}
		}
		s.Relay = &Relay{IPAddresses: addrs}
	}
}
