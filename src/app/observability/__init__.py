"""Metrics and logs: what the process tells its operators (Prometheus series, one log format)."""
