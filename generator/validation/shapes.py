"""Keyword tables for typed keywords: which instance type each applies to, and its emitter."""

from __future__ import annotations

from generator.validation import arrays, objects, scalars
from generator.validation.scalars import FORMATS
from generator.validation.typed import Emitter, size

__all__ = ["COMMON", "DRAFT2020", "DRAFT4", "FORMATS"]

COMMON: dict[str, tuple[str | None, Emitter]] = {
    "properties": ("object", objects.emit_properties),
    "patternProperties": ("object", objects.emit_pattern_properties),
    "additionalProperties": ("object", objects.emit_additional_properties),
    "required": ("object", objects.emit_required),
    "minProperties": ("object", size("minProperties", "<")),
    "maxProperties": ("object", size("maxProperties", ">")),
    "minItems": ("array", size("minItems", "<")),
    "maxItems": ("array", size("maxItems", ">")),
    "uniqueItems": ("array", arrays.emit_unique_items),
    "minLength": ("string", size("minLength", "<")),
    "maxLength": ("string", size("maxLength", ">")),
    "pattern": ("string", scalars.emit_pattern),
    "format": ("string", scalars.emit_format),
    "multipleOf": ("number", scalars.emit_multiple_of),
}
DRAFT2020: dict[str, tuple[str | None, Emitter]] = {
    "minimum": ("number", scalars.compare("minimum", "<")),
    "maximum": ("number", scalars.compare("maximum", ">")),
    "exclusiveMinimum": ("number", scalars.compare("exclusiveMinimum", "<=")),
    "exclusiveMaximum": ("number", scalars.compare("exclusiveMaximum", ">=")),
    "dependentRequired": ("object", objects.emit_dependent_required),
    "dependentSchemas": ("object", objects.emit_dependent_schemas),
    "propertyNames": ("object", objects.emit_property_names),
    "prefixItems": ("array", arrays.emit_prefix_items),
    "items": ("array", arrays.emit_items),
    "contains": ("array", arrays.emit_contains),
}
DRAFT4: dict[str, tuple[str | None, Emitter]] = {
    "minimum": (
        "number",
        scalars.draft4_bound("minimum", "exclusiveMinimum", "<", "<="),
    ),
    "maximum": (
        "number",
        scalars.draft4_bound("maximum", "exclusiveMaximum", ">", ">="),
    ),
    "dependencies": ("object", objects.emit_dependencies),
    "items": ("array", arrays.emit_items_draft4),
}
