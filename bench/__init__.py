"""Benchmarks of parcours, run on demand (`make bench`); results are reported in the README."""
