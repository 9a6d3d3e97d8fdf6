"""Demos: a programme's story, told from its description, driven for real.

Each demo starts its own time-skipping dev server, a worker and a data folder, enters every
person's pathway through the same client the CLI uses (each event dated on its day with the
request's effective instant) and reads the report from the read model the worker fills.
"""
