"""Benchmarks that print figures measured in one run; bench/harness/ is what they share with the tests."""
