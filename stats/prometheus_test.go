package stats

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// promFamilyParsed is one metric family read by parseExposition.
type promFamilyParsed struct {
	Type    string
	Samples map[string]float64 // canonical label set -> value
}

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parseExposition reads the Prometheus text format (0.0.4) strictly: HELP
// and TYPE lines well formed and at most once per family, TYPE before the
// family's samples, the samples of a family contiguous, valid metric and
// label names, label values with only \\, \" and \n escapes, valid UTF-8,
// no duplicate series, values that parse as floats, counters named _total,
// a final newline.
func parseExposition(text string) (map[string]*promFamilyParsed, error) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("missing final newline")
	}
	fams := map[string]*promFamilyParsed{}
	helped := map[string]bool{}
	closed := map[string]bool{}
	current := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d: invalid UTF-8", ln)
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 3 || f[0] != "#" {
				continue // a plain comment
			}
			name := f[2]
			if !metricNameRE.MatchString(name) {
				return nil, fmt.Errorf("line %d: bad metric name %q", ln, name)
			}
			switch f[1] {
			case "HELP":
				if helped[name] {
					return nil, fmt.Errorf("line %d: second HELP for %s", ln, name)
				}
				helped[name] = true
			case "TYPE":
				if len(f) != 4 {
					return nil, fmt.Errorf("line %d: TYPE without type", ln)
				}
				switch f[3] {
				case "counter", "gauge", "histogram", "summary", "untyped":
				default:
					return nil, fmt.Errorf("line %d: unknown type %q", ln, f[3])
				}
				if fams[name] != nil {
					return nil, fmt.Errorf("line %d: TYPE for %s after its samples or twice", ln, name)
				}
				if f[3] == "counter" && !strings.HasSuffix(name, "_total") {
					return nil, fmt.Errorf("line %d: counter %s without _total", ln, name)
				}
				fams[name] = &promFamilyParsed{Type: f[3], Samples: map[string]float64{}}
			}
			continue
		}
		if line == "" {
			continue
		}
		name, labels, rest, err := splitSample(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", ln, err)
		}
		fam := fams[name]
		if fam == nil {
			return nil, fmt.Errorf("line %d: sample of %s without TYPE", ln, name)
		}
		if name != current {
			if closed[name] {
				return nil, fmt.Errorf("line %d: samples of %s not contiguous", ln, name)
			}
			closed[current] = true
			current = name
		}
		fields := strings.Fields(rest)
		if len(fields) < 1 || len(fields) > 2 {
			return nil, fmt.Errorf("line %d: bad value part %q", ln, rest)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil && fields[0] != "+Inf" && fields[0] != "-Inf" && fields[0] != "NaN" {
			return nil, fmt.Errorf("line %d: bad value %q", ln, fields[0])
		}
		if len(fields) == 2 {
			if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
				return nil, fmt.Errorf("line %d: bad timestamp %q", ln, fields[1])
			}
		}
		if _, dup := fam.Samples[labels]; dup {
			return nil, fmt.Errorf("line %d: duplicate series %s%s", ln, name, labels)
		}
		fam.Samples[labels] = v
	}
	return fams, sc.Err()
}

// splitSample splits `name{a="x",b="y"} rest` and returns the labels in a
// canonical form (sorted, unescaped, a=x,b=y).
func splitSample(line string) (name, labels, rest string, err error) {
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return "", "", "", fmt.Errorf("no value")
	}
	name = line[:i]
	if !metricNameRE.MatchString(name) {
		return "", "", "", fmt.Errorf("bad metric name %q", name)
	}
	if line[i] == ' ' {
		return name, "", line[i+1:], nil
	}
	s := line[i+1:]
	var pairs []string
	seen := map[string]bool{}
	for {
		if strings.HasPrefix(s, "}") {
			s = s[1:]
			break
		}
		eq := strings.Index(s, `="`)
		if eq < 0 {
			return "", "", "", fmt.Errorf("bad label in %q", line)
		}
		ln := s[:eq]
		if !labelNameRE.MatchString(ln) || strings.HasPrefix(ln, "__") || seen[ln] {
			return "", "", "", fmt.Errorf("bad or repeated label name %q", ln)
		}
		seen[ln] = true
		s = s[eq+2:]
		var val strings.Builder
		for {
			if s == "" {
				return "", "", "", fmt.Errorf("unterminated label value")
			}
			c := s[0]
			s = s[1:]
			if c == '"' {
				break
			}
			if c == '\\' {
				if s == "" {
					return "", "", "", fmt.Errorf("dangling escape")
				}
				switch s[0] {
				case '\\':
					val.WriteByte('\\')
				case '"':
					val.WriteByte('"')
				case 'n':
					val.WriteByte('\n')
				default:
					return "", "", "", fmt.Errorf("bad escape \\%c", s[0])
				}
				s = s[1:]
				continue
			}
			if c == '\n' {
				return "", "", "", fmt.Errorf("raw newline in label value")
			}
			val.WriteByte(c)
		}
		pairs = append(pairs, ln+"="+val.String())
		if strings.HasPrefix(s, ",") {
			s = s[1:]
		} else if !strings.HasPrefix(s, "}") {
			return "", "", "", fmt.Errorf("expected , or } in %q", line)
		}
	}
	if !strings.HasPrefix(s, " ") {
		return "", "", "", fmt.Errorf("no space before value")
	}
	slicesSort(pairs)
	return name, strings.Join(pairs, ","), s[1:], nil
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestPrometheusParsesAndMatchesRegistry(t *testing.T) {
	r := New()
	c := r.Counter("pkt4-received")
	for i := 0; i < 7; i++ {
		c.Inc()
	}
	r.SetInt("declined-addresses", 2)
	r.SetInt("subnet[1].declined-addresses", 1)
	r.SetInt("subnet[1].assigned-addresses", 5)
	r.SetInt("subnet[1].pool[0].assigned-addresses", 3)
	r.SetInt("subnet[12].pd-pool[2].assigned-pds", 4)
	r.SetInt("subnet[1].total-addresses", 11)
	r.SetBig("subnet[1].total-nas", new(big.Int).Lsh(big.NewInt(1), 64))
	r.SetFloat("ratio", 0.25)
	r.SetDuration("lfc-time", 1500*time.Millisecond)
	r.SetString("server-state", "a \"quoted\"\nvalue\\")
	r.SetInt("cumulative-assigned-addresses", 9)
	r.SetInt("x-y", 1)
	r.SetInt("x_y", 2) // same series as x-y: must not be duplicated

	srv := httptest.NewServer(r.PrometheusHandler("kea_dhcp4"))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
	var body strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&body); err != nil {
		t.Fatal(err)
	}
	fams, err := parseExposition(body.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, body.String())
	}
	got := map[string]map[string]float64{}
	types := map[string]string{}
	for n, f := range fams {
		got[n] = f.Samples
		types[n] = f.Type
	}
	want := map[string]map[string]float64{
		"kea_dhcp4_pkt4_received_total":                 {"": 7},
		"kea_dhcp4_declined_addresses":                  {"": 2, "subnet_id=1": 1},
		"kea_dhcp4_assigned_addresses":                  {"subnet_id=1": 5, "pool_id=0,subnet_id=1": 3},
		"kea_dhcp4_assigned_pds":                        {"pd_pool_id=2,subnet_id=12": 4},
		"kea_dhcp4_total_addresses":                     {"subnet_id=1": 11},
		"kea_dhcp4_total_nas":                           {"subnet_id=1": 18446744073709551616},
		"kea_dhcp4_ratio":                               {"": 0.25},
		"kea_dhcp4_lfc_time_seconds":                    {"": 1.5},
		"kea_dhcp4_server_state_info":                   {"value=a \"quoted\"\nvalue\\": 1},
		"kea_dhcp4_cumulative_assigned_addresses_total": {"": 9},
		"kea_dhcp4_x_y":                                 {"": 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s\n%s", d, body.String())
	}
	if types["kea_dhcp4_pkt4_received_total"] != "counter" || types["kea_dhcp4_assigned_addresses"] != "gauge" {
		t.Fatalf("types: %v", types)
	}
}

func TestExpositionParserRejects(t *testing.T) {
	bad := []string{
		"a 1\n",                             // no TYPE
		"# TYPE a gauge\na 1",               // no final newline
		"# TYPE a gauge\na{b=\"x\\q\"} 1\n", // bad escape
		"# TYPE a gauge\na 1\na 2\n",        // duplicate
		"# TYPE a counter\na 1\n",           // counter without _total
		"# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 1\n", // not contiguous
		"# TYPE a gauge\na x\n", // bad value
		"# TYPE 1a gauge\n",     // bad name
	}
	for _, s := range bad {
		if _, err := parseExposition(s); err == nil {
			t.Errorf("accepted %q", s)
		}
	}
}

// TestPrometheusMatchesGetAll: a scrape shows the numbers statistic-get-all
// shows, for the statistics kea-dhcp4 starts with.
func TestPrometheusMatchesGetAll(t *testing.T) {
	r := New()
	for i, n := range []string{"pkt4-received", "pkt4-ack-sent", "subnet[1].total-addresses",
		"subnet[1].assigned-addresses", "subnet[1].pool[0].declined-addresses", "reclaimed-leases"} {
		r.SetInt(n, int64(i*7))
	}
	b, err := r.appendAll(nil)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string][][2]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	r.WritePrometheus(&sb, "kea_dhcp4")
	fams, err := parseExposition(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	for name, samples := range all {
		base, labels := promName(name)
		metric := "kea_dhcp4_" + sanitize(base)
		if isCounter(base) {
			metric += "_total"
		}
		var ls []string
		for i := 0; i < len(labels); i += 2 {
			ls = append(ls, labels[i]+"="+labels[i+1])
		}
		slicesSort(ls)
		want, _ := strconv.ParseFloat(string(samples[0][0]), 64)
		f := fams[metric]
		if f == nil {
			t.Errorf("%s: no family %s", name, metric)
			continue
		}
		if got, ok := f.Samples[strings.Join(ls, ",")]; !ok || got != want {
			t.Errorf("%s: scrape %v (present %v), get-all %v", name, got, ok, want)
		}
	}
}
