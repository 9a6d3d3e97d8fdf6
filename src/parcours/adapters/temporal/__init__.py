"""Reaching Temporal: connection, data converter, payload encryption, keys, dev server."""
