package flexid

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/option"
	"github.com/nestordhcp/nestor/pkt"
)

func TestParseParams(t *testing.T) {
	for _, tc := range []struct {
		raw     string // "" for no parameters
		want    Params
		wantErr string
	}{
		{``, Params{}, "'identifier-expression' parameter is mandatory"},
		{`{}`, Params{}, "'identifier-expression' parameter is mandatory"},
		{`{"identifier-expression": 5}`, Params{}, "must be a string"},
		{`{"identifier-expression": "pkt4.mac", "replace-client-id": "yes"}`, Params{}, "'replace-client-id' must be a boolean"},
		{`{"identifier-expression": "pkt4.mac", "other": 1}`, Params{}, "unknown parameter 'other'"},
		{`{"identifier-expression": "pkt4.mac"}`, Params{IdentifierExpression: "pkt4.mac"}, ""},
		{`{"identifier-expression": "pkt4.mac", "replace-client-id": true, "ignore-iaid": true}`,
			Params{IdentifierExpression: "pkt4.mac", ReplaceClientID: true, IgnoreIAID: true}, ""},
	} {
		var p hooks.Parameters
		if tc.raw != "" {
			var err error
			if p, err = hooks.ParseParameters(json.RawMessage(tc.raw)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ParseParams(p)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.raw, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.raw, got, err, tc.want)
		}
	}
	l := &Library{}
	p, _ := hooks.ParseParameters(json.RawMessage(`{"identifier-expression": "substring(("}`))
	if err := l.ValidateParameters(p); err == nil {
		t.Error("a bad expression was accepted")
	}
	// The daemon is not known at validation: a DHCPv6 expression passes.
	p, _ = hooks.ParseParameters(json.RawMessage(`{"identifier-expression": "relay6[0].option[18].hex"}`))
	if err := l.ValidateParameters(p); err != nil {
		t.Errorf("a DHCPv6 expression was refused: %v", err)
	}
}

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want string // "" for no identifier
	}{
		{"relay4[1].hex", "port-1"},
		{"relay4[2].hex", ""},
		{"concat(option[60].hex, concat('-', relay4[1].hex))", "acme-port-1"},
		{"substring(pkt4.mac, 4, 2)", "\xcc\x01"},
	} {
		x, err := eval.Compile(option.V4, eval.String, tc.expr, nil)
		if err != nil {
			t.Fatal(err)
		}
		l := &Library{expr: x}
		q := &pkt.Pkt4{}
		q.Op = dhcp4.BootRequest
		q.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0xcc, 1})
		q.SetMessageType(dhcp4.DHCPDISCOVER)
		q.Set(60, []byte("acme"))
		q.Set(82, []byte{1, 6, 'p', 'o', 'r', 't', '-', '1'})
		q.Src = netip.MustParseAddrPort("198.51.100.2:67")
		if got := string(l.Value(q)); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.expr, got, tc.want)
		}
	}
}
