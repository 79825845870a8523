"""triscope benchmarks beside its peers; run python -m benchmarks (see README.md)."""
