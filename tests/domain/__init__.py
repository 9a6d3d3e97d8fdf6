"""Tests of the pure pathway domain: no Temporal server, no database, no clock."""
