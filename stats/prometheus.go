package stats

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// promSeries is one exposed sample.
type promSeries struct {
	labels string // `{subnet_id="1",pool_id="0"}` or ""
	value  string
}

type promFamily struct {
	name, typ, help string
	series          []promSeries
	seen            map[string]bool // label sets already present
}

var scopeRE = regexp.MustCompile(`^subnet\[(\d+)\]\.(?:(pool|pd-pool)\[(\d+)\]\.)?(.+)$`)

// promName splits a Kea statistic name into its base name and labels.
func promName(name string) (base string, labels []string) {
	m := scopeRE.FindStringSubmatch(name)
	if m == nil {
		return name, nil
	}
	labels = []string{"subnet_id", m[1]}
	switch m[2] {
	case "pool":
		labels = append(labels, "pool_id", m[3])
	case "pd-pool":
		labels = append(labels, "pd_pool_id", m[3])
	}
	return m[4], labels
}

func isCounter(base string) bool {
	for _, p := range []string{"pkt4-", "pkt6-", "cumulative-", "reclaimed-", "v4-allocation-fail",
		"v6-allocation-fail", "ncr-", "update-"} {
		if strings.HasPrefix(base, p) {
			return true
		}
	}
	return strings.HasSuffix(base, "-lease-reuses") || strings.HasSuffix(base, "-reservation-conflicts")
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func promFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// WritePrometheus writes the registry in the Prometheus text exposition
// format under namespace (see the package documentation for the names).
func (r *Registry) WritePrometheus(b *strings.Builder, namespace string) {
	fams := map[string]*promFamily{}
	var order []string
	for _, o := range r.sorted() {
		base, labels := promName(o.name)
		o.mu.Lock()
		kind, cur := o.kind, o.cur
		o.mu.Unlock()
		name := sanitize(namespace + "_" + base)
		typ := "gauge"
		var value string
		switch kind {
		case Integer:
			value = strconv.FormatInt(int64(cur.num), 10)
		case BigInteger:
			value = bigFrom(cur.hi, cur.num).String()
		case Float:
			value = promFloat(math.Float64frombits(cur.num))
		case Duration:
			name += "_seconds"
			value = promFloat(time.Duration(int64(cur.num)).Seconds())
		case String:
			name += "_info"
			labels = append(labels, "value", cur.str)
			value = "1"
		}
		if kind != Duration && kind != String && isCounter(base) {
			typ = "counter"
			name += "_total"
		}
		var ls string
		if len(labels) > 0 {
			var sb strings.Builder
			sb.WriteByte('{')
			for i := 0; i < len(labels); i += 2 {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(labels[i])
				sb.WriteString(`="`)
				sb.WriteString(labelEscaper.Replace(strings.ToValidUTF8(labels[i+1], "\uFFFD")))
				sb.WriteByte('"')
			}
			sb.WriteByte('}')
			ls = sb.String()
		}
		key := name + " " + typ
		f := fams[key]
		if f == nil {
			f = &promFamily{name: name, typ: typ, help: "Kea statistic " + base + ".", seen: map[string]bool{}}
			fams[key] = f
			order = append(order, key)
		}
		if !f.seen[ls] {
			f.seen[ls] = true
			// Two Kea names can map to one series ("a-b" and "a_b"): the
			// first (in name order) wins, as duplicates are invalid.
			f.series = append(f.series, promSeries{labels: ls, value: value})
		}
	}
	seen := map[string]bool{}
	for _, key := range order {
		f := fams[key]
		if seen[f.name] {
			// Same name, other type (a counter-named statistic stored as a
			// float beside an integer one): keep the first family only.
			continue
		}
		seen[f.name] = true
		b.WriteString("# HELP " + f.name + " " + strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(f.help) + "\n")
		b.WriteString("# TYPE " + f.name + " " + f.typ + "\n")
		for _, s := range f.series {
			b.WriteString(f.name + s.labels + " " + s.value + "\n")
		}
	}
}

// PrometheusHandler serves the registry for Prometheus scrapes (GET or
// HEAD), under namespace such as "kea_dhcp4". It is opt-in: mount it where
// the operator configured a metrics endpoint.
func (r *Registry) PrometheusHandler(namespace string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var b strings.Builder
		r.WritePrometheus(&b, namespace)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if req.Method == http.MethodGet {
			_, _ = w.Write([]byte(b.String()))
		}
	})
}
