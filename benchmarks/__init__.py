"""`make bench`: the performance suite (see docs/benchmarks.md and run_benchmarks)."""
