package agent

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
)

const oracleDir = "testdata/kea22"

// rawResponse is an HTTP response as sent on the wire.
type rawResponse struct {
	Status  string   // "HTTP/1.1 200 OK"
	Headers []string // "Name: value", in wire order
	Body    []byte
}

// readRaw reads one response from r: status line, headers as written (no
// canonicalization), and Content-Length bytes of body.
func readRaw(r *bufio.Reader) (*rawResponse, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	resp := &rawResponse{Status: strings.TrimRight(line, "\r\n")}
	n := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		resp.Headers = append(resp.Headers, line)
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	resp.Body = make([]byte, n)
	_, err = io.ReadFull(r, resp.Body)
	return resp, err
}

func parseRaw(b []byte) (*rawResponse, error) {
	return readRaw(bufio.NewReader(bytes.NewReader(b)))
}

// sendRaw sends a raw request to addr and reads the response.
func sendRaw(addr string, req []byte) (*rawResponse, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(req); err != nil {
		return nil, err
	}
	return readRaw(bufio.NewReader(c))
}

// normalized renders a response for comparison: the Date value and the
// body's run-time paths and ports are replaced, Content-Length is checked
// against the body and then dropped (it follows the paths' lengths).
var (
	keaRunDir = regexp.MustCompile(`/tmp/nagt-cap\.[A-Za-z0-9]+`)
	httpPort  = regexp.MustCompile(`"http-port": [0-9]+`)
	sizeArg   = regexp.MustCompile(`"size": [0-9]+`)
)

func (r *rawResponse) normalized(runDir string) (string, error) {
	var b strings.Builder
	b.WriteString(r.Status + "\n")
	for _, h := range r.Headers {
		k, v, _ := strings.Cut(h, ":")
		switch k {
		case "Date":
			if _, err := time.Parse(time.RFC1123, strings.TrimSpace(v)); err != nil {
				return "", fmt.Errorf("bad Date header %q", h)
			}
			h = "Date: X"
		case "Content-Length":
			if strings.TrimSpace(v) != strconv.Itoa(len(r.Body)) {
				return "", fmt.Errorf("Content-Length %s for a body of %d bytes", v, len(r.Body))
			}
			h = "Content-Length: N"
		}
		b.WriteString(h + "\n")
	}
	body := keaRunDir.ReplaceAllString(string(r.Body), "RUN")
	if runDir != "" {
		body = strings.ReplaceAll(body, runDir, "RUN")
	}
	body = httpPort.ReplaceAllString(body, `"http-port": PORT`)
	body = sizeArg.ReplaceAllString(body, `"size": SIZE`) // follows the paths' lengths
	b.WriteString("\n" + body)
	return b.String(), nil
}

// fakeDaemon is a unix control socket standing for a daemon that
// misbehaves on purpose (fakeserver.py's twin): what the agent sent is
// kept per command name.
type fakeDaemon struct {
	ln   net.Listener
	mu   sync.Mutex
	got  map[string][]byte
	wg   sync.WaitGroup
	slow time.Duration
}

var fakeReplies = map[string]string{
	"fake-garbage":      "xyz",
	"fake-partial":      `{"result": 0`,
	"fake-list":         `[{"result": 0, "text": "a"}, {"result": 1}]`,
	"fake-big-int":      `{"result": 0, "arguments": {"n": 18446744073709551615}}`,
	"fake-trailing":     `{"result": 0} trailing`,
	"fake-map-unsorted": `{"text": "t", "result": 3, "arguments": {"b": 1, "a": [1.5, true, null]}}`,
}

func startFakeDaemon(t *testing.T, path string) *fakeDaemon {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeDaemon{ln: ln, got: map[string][]byte{}, slow: 1500 * time.Millisecond}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				f.serve(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *fakeDaemon) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	feed := ctrl.NewFeed(0)
	buf := make([]byte, 4096)
	var all []byte
	for !feed.Done() {
		n, err := c.Read(buf)
		all = append(all, buf[:n]...)
		feed.Write(buf[:n])
		if err != nil {
			break
		}
	}
	name := "unparsable"
	if e, err := ctrl.ParseWire(feed.Text()); err == nil {
		if v, _ := e.Get("command"); v != nil {
			name, _ = v.StringValue()
		}
	}
	f.mu.Lock()
	f.got[name] = all
	f.mu.Unlock()
	switch name {
	case "fake-close":
		return
	case "fake-slow":
		time.Sleep(f.slow)
	}
	reply, ok := fakeReplies[name]
	if !ok {
		reply = `{ "result": 0, "text": "fake" }`
	}
	_, _ = c.Write([]byte(reply))
}

func (f *fakeDaemon) received(name string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[name]
}

// keaLikeDaemon is a unix control socket served by ctrl's command manager,
// answering the commands of the recorded exchanges the way Kea 2.2's
// kea-dhcp4 answered them (its list of commands, an empty server tag, the
// recorded statistic).
func keaLikeDaemon(t *testing.T, path string) *ctrl.Manager {
	t.Helper()
	rec, err := os.ReadFile(filepath.Join(oracleDir, "answers", "fwd-dhcp4-list-commands.http"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := parseRaw(rec)
	if err != nil {
		t.Fatal(err)
	}
	list, err := ctrl.ParseWire(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	first := list.Items()[0]
	names, _ := first.Get("arguments")
	m := ctrl.NewManager(nil)
	for _, n := range names.Items() {
		s, _ := n.StringValue()
		if s == "list-commands" {
			continue
		}
		var h ctrl.Handler = func(*ctrl.Command) ctrl.Answer { return ctrl.Error("not in the recording") }
		switch s {
		case "server-tag-get":
			h = func(*ctrl.Command) ctrl.Answer { return ctrl.SuccessArgs(map[string]string{"server-tag": ""}) }
		case "statistic-get":
			h = recordedAnswer(t, "fwd-dhcp4-args")
		}
		if err := m.Register(s, h); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := ctrl.ListenUnix(path, m, ctrl.UnixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return m
}

// recordedAnswer answers with the first answer of a recorded exchange.
func recordedAnswer(t *testing.T, name string) ctrl.Handler {
	rec, err := os.ReadFile(filepath.Join(oracleDir, "answers", name+".http"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := parseRaw(rec)
	if err != nil {
		t.Fatal(err)
	}
	list, err := ctrl.ParseWire(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := list.Items()[0].Get("arguments")
	return func(*ctrl.Command) ctrl.Answer { return ctrl.SuccessArgs(args) }
}

// testAgentF is testAgent for a fuzz target: the plain agent.
func testAgentF(f *testing.F, dir string) *Agent {
	cfg, _, err := config.ParseControlAgent("fuzz", []byte(strings.ReplaceAll(plainConfig, "RUN", dir)), true)
	if err != nil {
		f.Fatal(err)
	}
	a, err := New(cfg, Options{ForwardTimeout: 2 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	return a
}

// testAgent starts an agent on an ephemeral port of 127.0.0.1 with the
// configuration text (RUN replaced by dir).
func testAgent(t *testing.T, dir, cfgText string) *Agent {
	t.Helper()
	cfgText = strings.ReplaceAll(cfgText, "RUN", dir)
	path := filepath.Join(dir, fmt.Sprintf("agent-%d.json", time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.LoadControlAgentFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Options{ConfigFile: path, ForwardTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
