package dhcp4o6

import (
	"errors"
	"testing"
	"time"
)

// TestEndpoints: the two sides of a port talk on ::1 (v6 binds P, v4
// binds P+1); reopening on the same port keeps the socket, another port
// moves it, port 0 closes it.
func TestEndpoints(t *testing.T) {
	got4 := make(chan []byte, 4)
	got6 := make(chan []byte, 4)
	v4 := NewEndpoint(V4, func(b []byte, err error) {
		if err == nil {
			got4 <- b
		}
	})
	v6 := NewEndpoint(V6, func(b []byte, err error) {
		if err == nil {
			got6 <- b
		}
	})
	defer v4.Close()
	defer v6.Close()
	recv := func(c chan []byte) string {
		select {
		case b := <-c:
			return string(b)
		case <-time.After(5 * time.Second):
			return "(nothing)"
		}
	}
	for _, port := range []uint16{47466, 47466, 47470} {
		if err := v6.Open(port); err != nil {
			t.Skipf("cannot bind ::1 port %d: %v", port, err)
		}
		if err := v4.Open(port); err != nil {
			t.Skipf("cannot bind ::1 port %d: %v", port+1, err)
		}
		if v4.Port() != port || v6.Port() != port {
			t.Fatalf("ports %d %d, want %d", v4.Port(), v6.Port(), port)
		}
		if err := v6.Send([]byte("query")); err != nil {
			t.Fatal(err)
		}
		if s := recv(got4); s != "query" {
			t.Fatalf("port %d: v4 side got %s", port, s)
		}
		if err := v4.Send([]byte("response")); err != nil {
			t.Fatal(err)
		}
		if s := recv(got6); s != "response" {
			t.Fatalf("port %d: v6 side got %s", port, s)
		}
	}
	if err := v4.Open(0); err != nil || v4.Port() != 0 {
		t.Fatalf("close: %v, port %d", err, v4.Port())
	}
	if err := v4.Send([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("send on a closed link: %v", err)
	}
	if err := v4.Open(65535); err == nil {
		t.Fatal("port 65535 accepted")
	}
}
