"""The pure pathway domain: no I/O, no clock, no randomness; time and ids are passed in."""
