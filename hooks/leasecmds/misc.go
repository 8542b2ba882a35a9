package leasecmds

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

// addressParam is LeaseCmdsImpl::getAddressParam.
func addressParam(args *ctrl.Element, name string, v6 bool) (netip.Addr, error) {
	if args == nil {
		// Kea 2.2 crashes here; answer as for missing parameters.
		return netip.Addr{}, fmt.Errorf("'%s' parameter is missing.", name)
	}
	v, err := args.Get(name)
	if err != nil {
		return netip.Addr{}, err
	}
	if v == nil {
		return netip.Addr{}, fmt.Errorf("'%s' parameter is missing.", name)
	}
	if v.Kind() != ctrl.String {
		return netip.Addr{}, fmt.Errorf("'%s' is not a string.", name)
	}
	s, _ := v.StringValue()
	a, err := parseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("'%s' is not a valid IP address.", s)
	}
	if a.Is4() == v6 {
		fam := "IPv4"
		if v6 {
			fam = "IPv6"
		}
		return netip.Addr{}, fmt.Errorf("Invalid %s address specified: %s", fam, s)
	}
	return a, nil
}

var errDDNSDisabled = errors.New("DDNS updating is not enabled")

func (l *Library) ddns4() DDNS4 {
	q, ok := l.svc.(DDNS4)
	if cfg := l.config4(); !ok || cfg == nil || !cfg.DhcpDdns.EnableUpdates {
		return nil
	}
	return q
}

func (l *Library) ddns6() DDNS6 {
	q, ok := l.svc.(DDNS6)
	if cfg := l.config6(); !ok || cfg == nil || !cfg.DhcpDdns.EnableUpdates {
		return nil
	}
	return q
}

// queueNCR4 is Kea's queueNCR for a v4 lease: only when updates are
// enabled and the lease has a hostname and a DNS direction set.
func (l *Library) queueNCR4(remove bool, ls *lease.Lease4) {
	if q := l.ddns4(); q != nil && ls.Hostname != "" && (ls.FQDNFwd || ls.FQDNRev) {
		_ = q.QueueNCR4(remove, ls)
	}
}

func (l *Library) queueNCR6(remove bool, ls *lease.Lease6) {
	if q := l.ddns6(); q != nil && ls.Hostname != "" && (ls.FQDNFwd || ls.FQDNRev) {
		_ = q.QueueNCR6(remove, ls)
	}
}

// resend checks what lease*-resend-ddns checks once the lease is found.
func resendCheck(addr netip.Addr, hostname string, fwd, rev bool) error {
	switch {
	case hostname == "":
		return fmt.Errorf("Lease for: %s, has no hostname, nothing to update", addr)
	case !fwd && !rev:
		return fmt.Errorf("Neither forward nor reverse updates enabled for lease for: %s", addr)
	}
	return nil
}

// lease4-resend-ddns
func (l *Library) lease4ResendDDNS(c *command) answer {
	addr, err := addressParam(c.args, "ip-address", false)
	if err != nil {
		return errorAnswer(err)
	}
	q := l.ddns4()
	if q == nil {
		return errorAnswer(errDDNSDisabled)
	}
	found, err := l.store4().Lease4(addr)
	if errors.Is(err, lease.ErrNotFound) {
		return answer{code: hooks.ResultEmpty, text: "No lease found for: " + addr.String()}
	}
	if err == nil {
		err = resendCheck(addr, found.Hostname, found.FQDNFwd, found.FQDNRev)
	}
	if err == nil {
		err = q.QueueNCR4(false, found)
	}
	if err != nil {
		return errorAnswer(err)
	}
	return answer{text: fmt.Sprintf("NCR generated for: %s, hostname: %s", addr, found.Hostname)}
}

// lease6-resend-ddns: address leases only, as in Kea.
func (l *Library) lease6ResendDDNS(c *command) answer {
	addr, err := addressParam(c.args, "ip-address", true)
	if err != nil {
		return errorAnswer(err)
	}
	q := l.ddns6()
	if q == nil {
		return errorAnswer(errDDNSDisabled)
	}
	found, err := l.store6().Lease6(lease.TypeNA, addr)
	if errors.Is(err, lease.ErrNotFound) {
		return answer{code: hooks.ResultEmpty, text: "No lease found for: " + addr.String()}
	}
	if err == nil {
		err = resendCheck(addr, found.Hostname, found.FQDNFwd, found.FQDNRev)
	}
	if err == nil {
		err = q.QueueNCR6(false, found)
	}
	if err != nil {
		return errorAnswer(err)
	}
	return answer{text: fmt.Sprintf("NCR generated for: %s, hostname: %s", addr, found.Hostname)}
}

// lease4-write and lease6-write (Kea 2.6; Kea 2.2 lacks them).
func (l *Library) leaseWrite(c *command) answer {
	v4 := c.name == "lease4-write"
	if c.args == nil {
		return errorAnswer(errors.New("no parameters specified for the command"))
	}
	file, err := c.args.Get("filename")
	switch {
	case err != nil:
		return errorAnswer(err)
	case file == nil:
		return errorAnswer(errors.New("'filename' parameter not specified"))
	case file.Kind() != ctrl.String:
		return errorAnswer(errors.New("'filename' parameter must be a string"))
	}
	name, _ := file.StringValue()
	if name == "" {
		return errorAnswer(errors.New("'filename' parameter is empty"))
	}
	var st any = l.store6()
	fam := "IPv6"
	if v4 {
		st, fam = l.store4(), "IPv4"
	}
	w, ok := st.(LeaseFileWriter)
	if !ok {
		return errorAnswer(fmt.Errorf("the lease database backend does not support %s", c.name))
	}
	if err := w.WriteFile(name); err != nil {
		return errorAnswer(err)
	}
	return answer{text: fmt.Sprintf("%s lease database into '%s'.", fam, name)}
}
