package config

import (
	"net"
	"regexp"
)

// decoder turns a grammar-checked map tree into the typed model. It keeps
// the first error (Kea stops at the first) and the warnings Kea would log.
type decoder struct {
	family       int
	defaultSpace string
	err          *Error
	warnings     []Warning
	opts         LoadOptions
	// nextSubnetID is Kea 2.2's counter for subnets without an id.
	nextSubnetID uint32
}

func newDecoder(family int, opts LoadOptions) *decoder {
	d := &decoder{family: family, defaultSpace: "dhcp4", opts: opts, nextSubnetID: 1}
	if family == 6 {
		d.defaultSpace = "dhcp6"
	}
	return d
}

func (d *decoder) fail(e *Error) {
	if e != nil && d.err == nil {
		d.err = e
	}
}

func (d *decoder) failed() bool { return d.err != nil }

func (d *decoder) warn(id, msg string, at Pos) {
	d.warnings = append(d.warnings, Warning{ID: id, Msg: msg, Pos: at})
}

// checkCharSet compiles a hostname-char-set. Kea uses POSIX extended
// regular expressions; Go's syntax accepts the sets used in practice.
func (d *decoder) checkCharSet(re string) error {
	_, err := regexp.Compile(re)
	return err
}

// interfaceExists tells whether the system has the interface; Kea checks
// this even in -t mode.
func (d *decoder) interfaceExists(name string) bool {
	if d.opts.InterfaceExists != nil {
		return d.opts.InterfaceExists(name)
	}
	_, err := net.InterfaceByName(name)
	return err == nil
}
