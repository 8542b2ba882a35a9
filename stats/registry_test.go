package stats

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock returns a clock that advances by step at every reading.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2024, 3, 4, 10, 11, 12, 0, time.Local)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

func values(t *testing.T, r *Registry, name string) []int64 {
	t.Helper()
	s, ok := r.Samples(name)
	if !ok {
		t.Fatalf("%s missing", name)
	}
	var out []int64
	for _, x := range s {
		out = append(out, x.Int)
	}
	return out
}

func TestSamplesNewestFirstAndCountLimit(t *testing.T) {
	r := New()
	r.SetClock(fakeClock(time.Second))
	for i := int64(1); i <= 25; i++ {
		if err := r.SetInt("a", i); err != nil {
			t.Fatal(err)
		}
	}
	want := []int64{25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6}
	if d := cmp.Diff(want, values(t, r, "a")); d != "" {
		t.Fatalf("default limit of 20 (-want +got):\n%s", d)
	}
	r.SetMaxSampleCount("a", 3)
	if d := cmp.Diff([]int64{25, 24, 23}, values(t, r, "a")); d != "" {
		t.Fatal(d)
	}
	r.AddInt("a", 5)
	if d := cmp.Diff([]int64{30, 25, 24}, values(t, r, "a")); d != "" {
		t.Fatal(d)
	}
}

func TestAgeLimit(t *testing.T) {
	r := New()
	r.SetClock(fakeClock(time.Second))
	for i := int64(1); i <= 10; i++ {
		r.SetInt("a", i)
	}
	// Age limit 3 s: samples 3 s apart at most from the newest are kept
	// (Kea removes while newest-oldest > limit), and the count limit is off.
	r.SetMaxSampleAge("a", 3*time.Second)
	if d := cmp.Diff([]int64{10, 9, 8, 7}, values(t, r, "a")); d != "" {
		t.Fatal(d)
	}
	for i := int64(11); i <= 40; i++ {
		r.SetInt("a", i)
	}
	if d := cmp.Diff([]int64{40, 39, 38, 37}, values(t, r, "a")); d != "" {
		t.Fatal(d)
	}
	r.SetMaxSampleAge("a", time.Hour)
	for i := int64(41); i <= 100; i++ {
		r.SetInt("a", i)
	}
	if n := len(values(t, r, "a")); n != 64 {
		t.Fatalf("age limit 1h keeps every sample: got %d, want 64", n)
	}
}

func TestAllLimitsAndDefaults(t *testing.T) {
	r := New()
	r.SetClock(fakeClock(time.Second))
	r.SetInt("old", 1)
	r.SetMaxSampleCountAll(2)
	for i := int64(2); i <= 5; i++ {
		r.SetInt("old", i)
		r.SetInt("new", i)
	}
	if d := cmp.Diff([]int64{5, 4}, values(t, r, "new")); d != "" {
		t.Fatalf("new statistic takes the -all count as default: %s", d)
	}
	r.SetMaxSampleAgeAll(time.Second)
	r.SetInt("newer", 1)
	r.SetInt("newer", 2)
	r.SetInt("newer", 3)
	if d := cmp.Diff([]int64{3, 2}, values(t, r, "newer")); d != "" {
		t.Fatalf("new statistic takes the -all age as default: %s", d)
	}
}

func TestZeroCountLimit(t *testing.T) {
	r := New()
	r.SetInt("a", 7)
	r.SetMaxSampleCount("a", 0)
	if s, _ := r.Samples("a"); len(s) != 0 {
		t.Fatalf("zero limit keeps %v", s)
	}
	if _, err := r.appendGet(nil, "a"); err == nil || err.Error() != "Observation storage container empty" {
		t.Fatalf("get of an emptied statistic: %v", err)
	}
	// Kea's addValue would throw here; Nestor keeps counting from the value.
	c := r.Counter("a")
	c.Inc()
	c.Inc()
	if d := cmp.Diff([]int64{9}, values(t, r, "a")); d != "" {
		t.Fatalf("Kea keeps one sample with limit 0 once non-empty: %s", d)
	}
}

func TestKindsAndReset(t *testing.T) {
	r := New()
	big1 := new(big.Int).Lsh(big.NewInt(1), 100)
	steps := []error{
		r.SetFloat("f", 1.5), r.AddFloat("f", 1),
		r.SetDuration("d", 90*time.Minute+time.Microsecond), r.AddDuration("d", time.Second),
		r.SetString("s", "ab"), r.AddString("s", "c"),
		r.SetBig("b", big1), r.AddBig("b", big.NewInt(-1)),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := r.AddInt("f", 1); err == nil {
		t.Fatal("adding an integer to a float statistic must fail")
	}
	got := map[string]string{}
	for _, n := range r.Names() {
		b, err := r.appendGet(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		got[n] = tsNorm(string(b))
	}
	want := map[string]string{
		"b": `{ "b": [ [ 1267650600228229401496703205375, "TS" ], [ 1267650600228229401496703205376, "TS" ] ] }`,
		"d": `{ "d": [ [ "01:30:01.000001", "TS" ], [ "01:30:00.000001", "TS" ] ] }`,
		"f": `{ "f": [ [ 2.5, "TS" ], [ 1.5, "TS" ] ] }`,
		"s": `{ "s": [ [ "abc", "TS" ], [ "ab", "TS" ] ] }`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}
	r.ResetAll()
	b, _ := r.appendAll(nil)
	wantAll := `{ "b": [ [ 0, "TS" ] ], "d": [ [ "00:00:00.000000", "TS" ] ], "f": [ [ 0.0, "TS" ] ], "s": [ [ "", "TS" ] ] }`
	if d := cmp.Diff(wantAll, tsNorm(string(b))); d != "" {
		t.Fatal(d)
	}
}

func tsNorm(s string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, `"20`)
		if i < 0 || len(s) < i+28 || s[i+27] != '"' {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i] + `"TS"`)
		s = s[i+28:]
	}
}

func TestTimestampFormat(t *testing.T) {
	r := New()
	at := time.Date(2019, 7, 30, 10, 11, 19, 498739999, time.Local)
	r.SetClock(func() time.Time { return at })
	r.SetInt("pkt4-received", 125)
	b, _ := r.appendGet(nil, "pkt4-received")
	if want := `{ "pkt4-received": [ [ 125, "2019-07-30 10:11:19.498739" ] ] }`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}

func TestCounterSurvivesRemove(t *testing.T) {
	r := New()
	c := r.Counter("pkt4-received")
	c.Inc()
	c.Inc()
	r.Remove("pkt4-received")
	c.Add(5)
	if d := cmp.Diff([]int64{5}, values(t, r, "pkt4-received")); d != "" {
		t.Fatalf("re-created as Kea's addValue does: %s", d)
	}
	r.RemoveAll()
	c.Inc()
	r.Reset("pkt4-received")
	c.Inc()
	if d := cmp.Diff([]int64{1, 0}, values(t, r, "pkt4-received")); d != "" {
		t.Fatal(d)
	}
	r.SetFloat("x", 1)
	x := r.Counter("x")
	x.Inc()
	if s, _ := r.Get("x"); s.Kind != Float || s.Float != 1 {
		t.Fatalf("counter on a float statistic must not change it: %+v", s)
	}
}

func TestCounterAllocs(t *testing.T) {
	r := New()
	c := r.Counter("pkt4-received")
	for i := 0; i < 100; i++ {
		c.Inc()
	}
	if n := testing.AllocsPerRun(1000, c.Inc); n != 0 {
		t.Fatalf("Inc allocates %v times", n)
	}
}

// TestHoldClock: while the clock is held, samples share one reading; the
// clock is read again after the last release.
func TestHoldClock(t *testing.T) {
	r := New()
	r.SetClock(fakeClock(time.Second))
	c := r.Counter("a")
	stamp := func() time.Time {
		s, _ := r.Samples("a")
		return s[0].Time
	}
	c.Inc()
	t0 := stamp()
	r.HoldClock()
	c.Inc()
	t1 := stamp()
	if !t1.After(t0) {
		t.Fatalf("held reading %v not after %v", t1, t0)
	}
	r.HoldClock() // a second, overlapping hold reads the clock again
	c.Inc()
	t2 := stamp()
	r.ReleaseClock()
	c.Inc()
	c.Inc()
	if got := stamp(); !got.Equal(t2) || !t2.After(t1) {
		t.Fatalf("under the second hold: %v, %v, want %v after %v", got, t2, t2, t1)
	}
	r.ReleaseClock()
	c.Inc()
	if got := stamp(); !got.After(t2) {
		t.Fatalf("after release: %v not after %v", got, t2)
	}
	if v := c.Value(); v != 6 {
		t.Errorf("value %d, want 6", v)
	}
}
