package eval

import (
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/option"
)

// TestSubOptionWithRuntimeDefinition checks option[43].option[N] against
// the definitions of the evaluation: a class redefining option 43 to
// encapsulate its own space makes the sub-option read with that space's
// definition (Kea's deferred unpacking), while the standard definitions
// leave it undefined (.text is then Kea's text of an unknown option).
func TestSubOptionWithRuntimeDefinition(t *testing.T) {
	x, err := Compile(option.V4, String, "option[43].option[1].text", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &dhcp4.Packet{}
	p.SetMessageType(dhcp4.DHCPDISCOVER)
	p.Set(43, []byte{1, 5, 'p', 'r', 'o', 'b', 'e'})

	classDefs := option.StandardV4().Clone()
	for _, d := range []*option.Definition{
		{Code: 1, Name: "cookie", Space: "APC", Type: option.TypeString},
	} {
		if err := classDefs.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	// The class's option 43 encapsulates APC: replace the standard one.
	std := classDefs.Space(option.SpaceDHCP4)
	if std == nil {
		t.Fatal("no dhcp4 space")
	}
	redefined := option.NewDefSet(option.V4)
	for _, name := range classDefs.SpaceNames() {
		for code := uint16(0); code < 256; code++ {
			d := classDefs.Lookup(name, code)
			if d == nil || (name == option.SpaceDHCP4 && code == 43) {
				continue
			}
			if err := redefined.Add(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := redefined.Add(&option.Definition{Code: 43, Name: "vendor-encapsulated-options", Space: option.SpaceDHCP4, Type: option.TypeEmpty, Encapsulate: "APC"}); err != nil {
		t.Fatal(err)
	}

	got, err := x.EvalString(&Context4{Pkt: p, DeferredUnpacked: true, Defs: redefined})
	if err != nil || string(got) != "probe" {
		t.Errorf("with the class definition: %q, %v; want probe", got, err)
	}
	got, err = x.EvalString(&Context4{Pkt: p, DeferredUnpacked: true})
	if err != nil || string(got) == "probe" {
		t.Errorf("with the standard definitions: %q, %v; want the unknown option's text", got, err)
	}
}
