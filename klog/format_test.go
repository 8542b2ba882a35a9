package klog

import (
	"errors"
	"net/netip"
	"testing"
)

func TestAppendMessage(t *testing.T) {
	var nilErr *myErr
	tests := []struct {
		name, text string
		args       []any
		want       string
	}{
		{"lease alloc", "%1: lease %2 has been allocated for %3 seconds",
			[]any{"[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1", netip.MustParseAddr("198.51.100.10"), uint32(7200)},
			"X [hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1: lease 198.51.100.10 has been allocated for 7200 seconds"},
		{"no args", "server shutdown", nil, "X server shutdown"},
		{"repeated placeholder", "%1 and %1", []any{"a"}, "X a and a"},
		{"out of order", "%2 then %1", []any{"a", "b"}, "X b then a"},
		{"missing placeholder", "only %1", []any{"a", 7}, "X only a @@Missing placeholder %2 for '7'@@"},
		{"excess placeholder", "%1 %2 %3", []any{"a"}, "X a %2 %3 @@Excess logger placeholders still exist@@"},
		{"only next one checked", "%1 %3", []any{"a"}, "X a %3"},
		{"%1 matches %10", "%10", []any{"a"}, "X a0"},
		// Kea searches the whole text for each mark, arguments included.
		{"arg holding a later mark", "%1 %2", []any{"x%2", "y"}, "X xy y"},
		{"arg holding its own mark", "%1|%1", []any{"%1"}, "X %1|%1"},
		{"ints", "%1 %2 %3 %4", []any{-5, int64(1) << 40, uint8(255), int16(-3)}, "X -5 1099511627776 255 -3"},
		{"bool float", "%1 %2", []any{true, 1.5}, "X true 1.5"},
		{"error", "%1", []any{errors.New("boom")}, "X boom"},
		{"nil error", "%1", []any{error(nil)}, "X <nil>"},
		{"typed nil stringer", "%1", []any{nilErr}, "X <nil>"},
		{"bytes", "%1", []any{[]byte("raw")}, "X raw"},
		{"shrinking replacement", "%1-%1-%1", []any{""}, "X --"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &Message{ID: "X", Text: tc.text, full: "X " + tc.text}
			got, _ := appendMessage([]byte("prefix|"), m, tc.args, nil)
			if want := "prefix|" + tc.want; string(got) != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

type myErr struct{}

func (e *myErr) Error() string { return e.String() }
func (e *myErr) String() string {
	if e == nil {
		panic("nil")
	}
	return "myErr"
}

func TestParseMes(t *testing.T) {
	src := "# comment\n$NAMESPACE isc::dhcp\n\n% A_ONE first %1\nA description\nover lines.\n\n%  B_TWO   second text  \n"
	got, err := ParseMes(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []MesEntry{{"A_ONE", "first %1", 4}, {"B_TWO", "second text", 8}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"% \n", "% BAD-ID text\n", "% A x\n% A y\n", "% ONLY_ID\n"} {
		if _, err := ParseMes(bad); err == nil {
			t.Errorf("ParseMes(%q) succeeded", bad)
		}
	}
}

func TestCatalogue(t *testing.T) {
	c := &Catalogue{byID: map[string]*Message{}}
	a, err := c.Register("T_A", "text")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.Register("T_A", "text"); err != nil || b != a {
		t.Errorf("same definition again: %v %v", b, err)
	}
	if _, err := c.Register("T_A", "other"); err == nil {
		t.Error("conflicting text accepted")
	}
	if _, err := c.RegisterMes("% T_B b\n% T_A other\n"); err == nil {
		t.Error("conflicting .mes accepted")
	}
	if c.Lookup("T_B") != nil {
		t.Error("failed .mes registered part of itself")
	}
	ms, err := c.RegisterMes("% T_B b %1\n")
	if err != nil || ms["T_B"].Text != "b %1" || c.Lookup("T_B") != ms["T_B"] {
		t.Errorf("RegisterMes: %v %v", ms, err)
	}
}
