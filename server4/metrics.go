package server4

import (
	"errors"
	"net"
	"net/http"
	"os"
	"time"
)

// metricsNamespace prefixes the Prometheus names of the statistics
// (kea_dhcp4_pkt4_received_total, ...), so dashboards built on
// kea-exporter's names need only a relabel.
const metricsNamespace = "kea_dhcp4"

// MetricsEnv names the environment variable that opens a plain HTTP
// listener answering GET /metrics, for deployments whose control channel is
// a unix socket only. An http/https control socket answers GET /metrics
// itself, behind its authentication.
const MetricsEnv = "NESTOR_METRICS_LISTEN"

// serveMetrics starts the listener named by MetricsEnv, if set.
func (s *Server) serveMetrics() (*http.Server, net.Addr, error) {
	addr := os.Getenv(MetricsEnv)
	if addr == "" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.stats.PrometheusHandler(metricsNamespace))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.slog.Error("metrics listener stopped", "error", err)
		}
	}()
	return srv, ln.Addr(), nil
}
