"""Read ``[tool.contractgen]`` from the nearest pyproject.toml; every key has a default."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Location, SpecError

_ENV_NAME = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*)?")


@dataclass(frozen=True)
class ClientConfig:
    """How the generated client is set up: environment variable names and class names."""

    api_key_env: str = ""
    base_url_env: str = ""
    client_class: str = "Client"
    async_client_class: str = "AsyncClient"


@dataclass(frozen=True)
class Config:
    """Generator settings; paths are relative to the directory holding pyproject.toml."""

    root: Path
    spec: Path | None = None
    output: Path = Path("generated")
    package: str = ""
    templates: Path | None = None
    # operationId -> "resource.sub.method", e.g. "ViewRoomSession" -> "rooms.sessions.retrieve"
    operations: dict[str, str] = field(default_factory=dict)
    client: ClientConfig = ClientConfig()


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest pyproject.toml at or above a directory."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _str_map(raw: Any, where: Location, key: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise SpecError(where, f"[tool.contractgen] {key} must map strings to strings")
    return dict(raw)


def load_config(start: Path | None = None) -> Config:
    """Load the settings that apply to a directory (the cwd by default)."""
    pyproject = find_pyproject((start or Path.cwd()).resolve())
    if pyproject is None:
        return Config(root=(start or Path.cwd()).resolve())
    where = Location(str(pyproject), 1, 1)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(where, f"invalid TOML: {exc}") from None
    section = data.get("tool", {}).get("contractgen", {})
    root = pyproject.parent
    client_raw = section.get("client", {})
    allowed = set(ClientConfig.__dataclass_fields__)
    unknown = set(client_raw) - allowed
    if unknown:
        raise SpecError(
            where, f"[tool.contractgen.client] unknown keys: {sorted(unknown)}"
        )
    client = ClientConfig(**client_raw)
    for key in ("client_class", "async_client_class"):
        value = getattr(client, key)
        if not (isinstance(value, str) and value.isidentifier() and value.isascii()):
            raise SpecError(
                where, f"[tool.contractgen.client] {key} must be an identifier"
            )
    for key in ("api_key_env", "base_url_env"):
        value = getattr(client, key)
        if not isinstance(value, str) or not _ENV_NAME.fullmatch(value):
            raise SpecError(
                where,
                f"[tool.contractgen.client] {key} must be an environment variable name",
            )
    return Config(
        root=root,
        spec=root / section["spec"] if "spec" in section else None,
        output=root / section.get("output", "generated"),
        package=str(section.get("package", "")),
        templates=root / section["templates"] if "templates" in section else None,
        operations=_str_map(section.get("operations", {}), where, "operations"),
        client=client,
    )
