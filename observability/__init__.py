"""Prometheus metrics shared by the gateway and the back office."""
