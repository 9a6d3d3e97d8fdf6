"""One module per read-model schema revision."""
