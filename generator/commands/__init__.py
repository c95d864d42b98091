"""Subcommands of the contractgen command line."""
