"""Stage 3 entry: a loaded spec becomes the Api IR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.config import Config
from generator.errors import SpecError
from generator.incremental import Analysis
from generator.ir import Api, SecurityScheme
from generator.jsonschema_docs import SchemaConverter
from generator.load import Document
from generator.operations import OperationAnalyzer
from generator.resolve import Resolver
from generator.schemas import SchemaAnalyzer


def analyze(doc: Document, config: Config) -> Api:
    """Build the IR of a whole spec."""
    return _analyze(doc, config, None)[0]


def analyze_cached(doc: Document, config: Config, cache: Path) -> tuple[Api, Analysis]:
    """Build the IR of a whole spec through the analysis cache in ``cache``; the
    analysis returned saves its records for the next run (`Analysis.save`)."""
    api, units = _analyze(doc, config, cache)
    assert units is not None
    return api, units


def _analyze(
    doc: Document, config: Config, cache: Path | None
) -> tuple[Api, Analysis | None]:
    root: dict[str, Any] = doc.root
    openapi = str(root.get("openapi") or root.get("swagger") or "")
    if not openapi.startswith(("3.0", "3.1")):
        raise SpecError(
            doc.locate("/openapi"),
            f"unsupported OpenAPI version {openapi!r}: 3.0 or 3.1",
        )
    if cache is None:
        resolver = Resolver(doc)
        schemas = SchemaAnalyzer(resolver)
        schemas.declare_components()
        analyzer = OperationAnalyzer(resolver, schemas, config)
        operations = analyzer.operations()
        webhooks = analyzer.webhooks()
    else:
        # The same analysis, unit by unit: those whose inputs did not change replay.
        units = Analysis(doc, config, cache)
        operations, webhooks = units.run()
        resolver, schemas, analyzer = units.resolver, units.schemas, units.operations
    info = root.get("info") or {}
    servers = tuple(
        str(s["url"])
        for s in root.get("servers") or ()
        if isinstance(s, dict) and "url" in s
    )
    api = Api(
        title=str(info.get("title") or ""),
        version=str(info.get("version") or ""),
        description=str(info.get("description") or ""),
        openapi=openapi,
        servers=servers,
        spec_file=doc.display,
        spec_sha256=doc.sha256,
        models=schemas.models(),
        operations=tuple(operations),
        security_schemes=_security_schemes(root),
        webhooks=tuple(webhooks),
        schemas=SchemaConverter(resolver, schemas, openapi).bodies(),
        unsupported=tuple(schemas.unsupported),
        notices=tuple(dict.fromkeys(analyzer.notices)),
        locate=doc.locate,
    )
    return api, units if cache is not None else None


def _security_schemes(root: dict[str, Any]) -> tuple[SecurityScheme, ...]:
    raw = (root.get("components") or {}).get("securitySchemes") or {}
    out = []
    for name, scheme in raw.items():
        if isinstance(scheme, dict):
            out.append(
                SecurityScheme(
                    name=name,
                    type=str(scheme.get("type") or ""),
                    scheme=str(scheme.get("scheme") or "").lower(),
                    location=str(scheme.get("in") or ""),
                    param_name=str(scheme.get("name") or ""),
                    description=str(scheme.get("description") or ""),
                )
            )
    return tuple(out)
