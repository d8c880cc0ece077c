"""Benchmark scripts (`make bench`): they print tables; docs/benchmarks.md keeps the latest."""
