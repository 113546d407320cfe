"""Benchmarks: ``make bench`` prints tables; nothing here is a pass/fail assertion."""
