"""Conformance: the compiled validators against the official JSON Schema Test Suite."""
