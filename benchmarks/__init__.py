"""`make bench` (`python -m benchmarks`): the performance suite; see docs/benchmarks.md."""
