// Package shell is Nestor's kea-shell: a command-line client that sends one
// command to a control agent (Kea's or Nestor's) over HTTP(S) and prints
// the answer, with kea-shell's options, request and output.
//
// The command's arguments are read from standard input as the inside of a
// JSON map ("filename": "x.json"), as kea-shell reads them: the text is
// placed verbatim between braces, and ignored when it is one character or
// less. The answer body is printed as received, followed by a newline;
// exit status 0. An HTTP error status, a connection failure or a TLS
// failure prints "Failed to run: ..." on standard output and exits 1;
// passing --timeout seconds prints "Connection timeout" and exits 1.
// Command-line errors print argparse's usage and message on standard
// error and exit 2.
//
// Differences from kea-shell 2.2: -v prints Nestor's version; the text
// after "Failed to run:" for connection and TLS failures is Go's error (the
// HTTP status case is the same); the request carries Go's HTTP headers.
package shell

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nestordhcp/nestor/internal/version"
)

// Main runs kea-shell with args (without the program name) and returns the
// exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprint(stderr, usage)
		fmt.Fprintf(stderr, "kea-shell: error: %v\n", err)
		return 2
	}
	if o.help {
		fmt.Fprint(stdout, help)
		return 0
	}
	if o.version {
		fmt.Fprintln(stdout, version.Version)
		return 0
	}
	if (o.cert != "") != (o.key != "") {
		fmt.Fprintln(stdout, "--cert and --key must be used together")
		return 1
	}
	if o.cert != "" && o.ca == "" {
		fmt.Fprintln(stdout, "--cert and --key with HTTPS disabled (no --ca)")
		return 1
	}
	in, _ := io.ReadAll(stdin)
	body := Body(o.command, o.services, string(in))

	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(o.timeout)*time.Second)
		defer cancel()
	}
	out, err := send(ctx, o, body)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			fmt.Fprintln(stdout, "Connection timeout")
			return 1
		}
		fmt.Fprintln(stdout, "Failed to run: "+err.Error())
		return 1
	}
	fmt.Fprintln(stdout, out)
	return 0
}

// Body is the request kea-shell builds: the command, the services that are
// not empty, and the arguments text when it is longer than one character.
func Body(command string, services []string, args string) string {
	b := `{ "command": "` + command + `"`
	var svc []string
	for _, s := range services {
		if s != "" {
			svc = append(svc, s)
		}
	}
	if len(svc) > 0 {
		b += `, "service": ["` + strings.Join(svc, `","`) + `"]`
	}
	if len(args) > 1 {
		b += `, "arguments": { ` + args + ` }`
	}
	return b + " }"
}

func send(ctx context.Context, o *options, body string) (string, error) {
	scheme := "http"
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	if o.ca != "" {
		scheme = "https"
		tc, err := clientTLS(o)
		if err != nil {
			return "", err
		}
		tr.TLSClientConfig = tc
	}
	url := scheme + "://" + net.JoinHostPort(o.host, strconv.Itoa(o.port)) + "/" + o.path
	if strings.Contains(o.host, ":") && !strings.HasPrefix(o.host, "[") {
		url = scheme + "://[" + o.host + "]:" + strconv.Itoa(o.port) + "/" + o.path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("<urlopen error %v>", err)
	}
	req.Header.Set("User-Agent", "Kea-shell/"+version.Version)
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Content-Type", "application/json")
	if o.authUser != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(o.authUser+":"+o.authPassword)))
	}
	client := &http.Client{Transport: tr}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("<urlopen error %s>", connError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		reason := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
		return "", fmt.Errorf("HTTP Error %d: %s", resp.StatusCode, reason)
	}
	return string(data), nil
}

// connError spells a connection error as Python does for the common
// cases ("[Errno 111] Connection refused").
func connError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return fmt.Sprintf("[Errno %d] %s", int(errno), strings.ToUpper(s[:1])+s[1:])
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}

// clientTLS is kea-shell's SSL context: server certificate checked against
// --ca (a file or a directory), host name checked, and the client
// certificate when given.
func clientTLS(o *options) (*tls.Config, error) {
	pool := x509.NewCertPool()
	files := []string{o.ca}
	fi, err := os.Stat(o.ca)
	if err != nil {
		return nil, errors.New("[Errno 2] No such file or directory")
	}
	if fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(o.ca, "*"))
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			pool.AppendCertsFromPEM(b)
		}
	}
	tc := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if o.cert != "" {
		cert, err := tls.LoadX509KeyPair(o.cert, o.key)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
