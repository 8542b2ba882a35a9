package stats

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// MetricsEnv names the environment variable that makes a daemon open a plain
// HTTP listener answering GET /metrics, for deployments whose control
// channel is a unix socket only (an http/https control socket answers GET
// /metrics itself, behind its authentication).
const MetricsEnv = "NESTOR_METRICS_LISTEN"

// ListenMetricsFromEnv starts the listener MetricsEnv names, serving the
// registry under namespace; it returns nil, nil when the variable is unset.
// Close the returned server to stop it.
func (r *Registry) ListenMetricsFromEnv(namespace string, log *slog.Logger) (*http.Server, error) {
	addr := os.Getenv(MetricsEnv)
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", r.PrometheusHandler(namespace))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Error("metrics listener stopped", "error", err)
		}
	}()
	return srv, nil
}
