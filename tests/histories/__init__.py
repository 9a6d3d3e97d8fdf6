"""Committed workflow histories and the command that regenerates them (`make histories`)."""
