package server6

// metricsNamespace prefixes the Prometheus names of the statistics.
const metricsNamespace = "kea_dhcp6"
