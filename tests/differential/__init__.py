"""Differential tests: compiled validators against jsonschema on generated instances."""
