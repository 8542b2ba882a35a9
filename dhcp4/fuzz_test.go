package dhcp4

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func addGoldenSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.bin")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(raw(82, 2, 1, 0, 53, 1, 1, 82, 3, 2, 1, 9, 255))
	b := raw(52, 1, 3, 53, 1, 1, 255)
	copy(b[108:], []byte{12, 3, 'f', 'o', 'o', 255})
	copy(b[44:], []byte{15, 1, 'x', 255})
	f.Add(b)
	f.Add(raw()[:HeaderLen])
}

// content is what must survive a round trip: header and options. MinSize
// and the overload layout are encoding choices, not content.
type content struct {
	Op, HType, HLen, Hops uint8
	Xid                   uint32
	Secs, Flags           uint16
	CI, YI, SI, GI        IPv4
	CHAddr                [16]byte
	SName                 [64]byte
	File                  [128]byte
	Options               []Option
}

func contentOf(p *Packet) content {
	return content{p.Op, p.HType, p.HLen, p.Hops, p.Xid, p.Secs, p.Flags,
		p.CIAddr, p.YIAddr, p.SIAddr, p.GIAddr, p.CHAddr, p.SName, p.File, optsOf(p)}
}

// FuzzDecode: Decode never panics, and whatever decodes without error
// re-encodes to a packet that decodes to the same content, twice over with
// a byte-identical second encoding.
func FuzzDecode(f *testing.F) {
	addGoldenSeeds(f)
	var p, q Packet
	f.Fuzz(func(t *testing.T, b []byte) {
		err := p.Decode(b)
		// Accessors must be safe on whatever was decoded, error or not.
		_ = p.MessageType()
		rai, _ := p.RelayAgentInfo()
		_, _ = rai.CircuitID()
		_, _ = p.ServerID()
		_ = p.HWAddr()
		if err != nil {
			if KindOf(err) == 0 {
				t.Fatalf("error without a kind: %v", err)
			}
			return
		}
		out, err := p.AppendTo(nil)
		if err != nil {
			t.Fatalf("AppendTo after Decode: %v", err)
		}
		if err := q.Decode(out); err != nil {
			t.Fatalf("Decode of our own encoding: %v\n%x", err, out)
		}
		if diff := cmp.Diff(contentOf(&p), contentOf(&q)); diff != "" {
			t.Fatalf("round trip changed the packet (-first +second):\n%s", diff)
		}
		again, err := q.AppendTo(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("second encoding differs:\n%x\n%x", out, again)
		}
	})
}

// FuzzRoundTrip builds a packet from fuzzed options and checks that
// encode -> decode gives the same options back, also when a maximum size
// forces option overload.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{53, 1, 12, 3, 'a', 'b', 'c'}, uint16(0))
	f.Add(bytes.Repeat([]byte{200, 60}, 20), uint16(400))
	f.Add([]byte{125, 255, 1, 2, 3}, uint16(576))
	var p, q Packet
	f.Fuzz(func(t *testing.T, spec []byte, maxSize uint16) {
		p.Reset()
		p.Op, p.Xid = BootRequest, 42
		// spec is a list of (code, length) pairs; payloads are generated.
		for i := 0; i+1 < len(spec) && p.NumOptions() < 64; i += 2 {
			code := spec[i]
			if reserved(code) || p.Has(code) {
				continue
			}
			p.Set(code, bytes.Repeat([]byte{code}, int(spec[i+1])*3))
		}
		p.MaxSize = int(maxSize)
		out, err := p.AppendTo(nil)
		if err != nil {
			if KindOf(err) != ErrTooBig {
				t.Fatalf("AppendTo: %v", err)
			}
			return
		}
		if p.MaxSize > 0 && len(out) > p.MaxSize {
			t.Fatalf("%d bytes over MaxSize %d", len(out), p.MaxSize)
		}
		if err := q.Decode(out); err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if diff := cmp.Diff(optsOf(&p), optsOf(&q)); diff != "" {
			t.Fatalf("options (-built +decoded):\n%s", diff)
		}
	})
}
