"""contractgen: OpenAPI in, typed Python client, dataclasses, JSON Schemas and compiled validators out."""

__version__ = "0.1.0"
