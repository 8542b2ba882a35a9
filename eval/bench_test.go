package eval

import (
	"testing"

	"github.com/nestordhcp/nestor/option"
)

func benchExpr(b *testing.B, kind Kind, src string) {
	opts := &Options{ClassDefined: func(n string) bool { return n == "foo" || BuiltinClass(n) }}
	e, err := Compile(option.V4, kind, src, opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx := ctx4()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if kind == Bool {
			if _, err := e.EvalBool(ctx); err != nil {
				b.Fatal(err)
			}
		} else if _, err := e.EvalString(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOptionExists(b *testing.B) { benchExpr(b, Bool, "option[82].exists") }
func BenchmarkSubstringEqual(b *testing.B) {
	benchExpr(b, Bool, "substring(option[61].hex,1,3) == 'foo'")
}
func BenchmarkMember(b *testing.B)      { benchExpr(b, Bool, "member('foo') and not member('KNOWN')") }
func BenchmarkRelay4Equal(b *testing.B) { benchExpr(b, Bool, "option[82].option[2].hex == pkt4.mac") }
func BenchmarkVendorClass(b *testing.B) {
	benchExpr(b, Bool, "vendor-class[4491].data == 'docsis3.0' or option[60].hex == 'docsis3.0'")
}
func BenchmarkHexstringFlexID(b *testing.B) {
	benchExpr(b, String, "hexstring(pkt4.mac, ':') + '-' + split(option[12].text, '.', 1)")
}
func BenchmarkIfElseText(b *testing.B) {
	benchExpr(b, String, "ifelse(option[12].exists, lcase(option[12].text), uint32totext(pkt4.transid))")
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile4("substring(option[61].hex,0,3) == 'foo' and (pkt4.htype == 1 or relay4[1].exists)"); err != nil {
			b.Fatal(err)
		}
	}
}
