package server4

// metricsNamespace prefixes the Prometheus names of the statistics
// (kea_dhcp4_pkt4_received_total, ...).
const metricsNamespace = "kea_dhcp4"
