"""Request and response bodies that are not JSON, and the JSON request body itself.

Hand-written and spec-independent; copied verbatim into every generated package beside
``_runtime.py``, which sends what this module builds and re-exports its public names
(generated code says ``_r.FileTypes``, ``_r.BodyEncoding``, ``_r.TextBody``).

Request bodies
    JSON is encoded compactly (models by ``to_dict()``, enums by value, dates in ISO 8601)
    and checked by the operation's validator, exactly as sent, before any I/O. Other media
    types follow the method's :class:`BodyEncoding`: form-urlencoded fields (OpenAPI's
    defaults, style form and explode, unless the spec's Encoding Object says otherwise;
    booleans ``true``/``false``; members that are objects or arrays as JSON text),
    validated like JSON; multipart parts, in the order of the body's keys (scalars as text
    parts, arrays of scalars as repeated parts, objects and other arrays as JSON parts,
    nulls left out), validated with every file standing in as an empty string; raw
    content for octet-stream and other binary media types; UTF-8 text for ``text/*``.

Files
    A multipart property documented as file content (``format: binary``, or
    ``contentMediaType``/``contentEncoding``) takes :data:`FileTypes`: ``bytes``, a binary
    file object, a path, or a ``(filename, content)`` / ``(filename, content, content_type)``
    tuple; an array of files takes a list of them. Content is read once, before any I/O,
    so a retried request sends the same bytes. Without a filename, a file object's or
    path's own name is used, else ``upload``; without a content type, the one the spec's
    Encoding Object names, else a guess from the filename, else
    ``application/octet-stream``.

Responses
    A documented text body (``text/*``) is returned as ``str``, decoded with the charset of
    the response's content type (UTF-8 when it names none); anything else that is not JSON
    as ``bytes``. A content type outside the documented media ranges and of another kind
    (JSON where a PDF was documented, say) raises :class:`ResponseDecodeError`.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar

from ._errors import RequestValidationError, ResponseDecodeError
from ._wire import FORM, QueryStyle, _json_default, _omitted, _plain, serialize_query

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BodyEncoding",
    "FileContent",
    "FileTypes",
    "BinaryContent",
    "BodyReader",
    "TextBody",
    "BinaryBody",
    "EventStreamBody",
    "media_kind",
]

T = TypeVar("T")

# Real objects, not strings: generated TypedDicts evaluate them when their module loads.
FileContent: TypeAlias = IO[bytes] | bytes | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
)
BinaryContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]

Validator: TypeAlias = "Callable[[Any], object]"
MediaKind = Literal["json", "text", "events", "binary"]
DEFAULT_FILENAME: Final = "upload"
OCTET_STREAM: Final = "application/octet-stream"


def _read(content: Any, where: str) -> tuple[bytes, str | None]:
    """Return the bytes of file content and its own name (paths, file objects);
    ``where`` is the JSON pointer named by errors ("" for the whole body)."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content), None
    if isinstance(content, os.PathLike):
        path = os.fspath(content)
        if not isinstance(path, str):
            path = os.fsdecode(path)
        with open(path, "rb") as handle:
            return handle.read(), os.path.basename(path)
    read = getattr(content, "read", None)
    if callable(read):
        data = read()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise RequestValidationError(
                "a file object must be opened in binary mode, got "
                f"{type(data).__name__} from read()",
                path=where,
            )
        name = getattr(content, "name", None)
        return bytes(data), os.path.basename(name) if isinstance(name, str) else None
    raise RequestValidationError(
        f"expected bytes, a binary file object or a path, got {type(content).__name__}",
        path=where,
    )


def read_binary(content: Any) -> bytes:
    """Return the bytes of a raw request body (``bytes``, a binary file object, a path)."""
    return _read(content, "")[0]


def file_part(
    name: str, value: Any, content_type: str = ""
) -> tuple[str, tuple[str, bytes, str]]:
    """Return one multipart file part ``(name, (filename, bytes, content type))``;
    ``content_type`` is the spec's default for the property ("" when it names none)."""
    filename: str | None = None
    explicit: str | None = None
    content = value
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise RequestValidationError(
                "a file tuple is (filename, content[, content_type])",
                path=_pointer(name),
            )
        filename, content = value[0], value[1]
        explicit = value[2] if len(value) == 3 else None
    data, own_name = _read(content, _pointer(name))
    filename = filename or own_name or DEFAULT_FILENAME
    if not explicit:
        explicit = content_type or _guess_type(filename)
    return name, (filename, data, explicit)


def _pointer(name: str) -> str:
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _guess_type(filename: str) -> str:
    if filename == DEFAULT_FILENAME:
        return OCTET_STREAM
    import mimetypes  # on first use: it reads the system's type tables

    return mimetypes.guess_type(filename)[0] or OCTET_STREAM


Part: TypeAlias = "tuple[str, tuple[str | None, bytes, str | None]]"


def multipart(parts: Sequence[Part]) -> tuple[bytes, str]:
    """Return the ``multipart/form-data`` body of parts ``(name, (filename, bytes,
    content type))`` in order (no filename: a field), and its Content-Type header."""
    import httpx

    # httpx writes the parts (escaping names as browsers do) and picks the boundary; the
    # body is built once so every retry sends the same bytes.
    request = httpx.Request("POST", "http://multipart.invalid/", files=list(parts))
    return request.read(), request.headers["Content-Type"]


# ------------------------------------------------------------------- request bodies


@dataclasses.dataclass(frozen=True)
class BodyEncoding:
    """How a request body that is not JSON is sent (``RequestSpec.body_encoding``).

    ``media_type`` is the Content-Type sent (multipart adds its boundary); ``kind`` is
    ``form`` (url-encoded fields), ``multipart`` (parts; ``files`` names the properties
    holding file content), ``text`` (a ``str``, sent as UTF-8) or ``binary`` (the body is
    the content). ``part_types`` (multipart) and ``styles`` (form) come from the spec's
    Encoding Object; a form property without a style is sent as style form, exploded.
    """

    media_type: str
    kind: Literal["form", "multipart", "text", "binary"]
    files: tuple[str, ...] = ()
    part_types: Mapping[str, str] = dataclasses.field(default_factory=dict)
    styles: Mapping[str, QueryStyle] = dataclasses.field(default_factory=dict)


def _dump_json(value: Any) -> bytes:
    """Encode a request body (or a part of one) as compact UTF-8 JSON."""
    try:
        return json.dumps(
            value,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            default=_json_default,
        ).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise RequestValidationError(f"not JSON: {exc}", error=exc) from exc


def _validate_body(validator: Validator | None, data: Any) -> None:
    if validator is None:
        return
    try:
        validator(data)
    except Exception as exc:  # the generated validators' ValidationError
        raise RequestValidationError(
            str(getattr(exc, "message", exc)),
            path=str(getattr(exc, "path", "")),
            error=exc,
        ) from exc


def json_content(body: Any, validator: Validator | None) -> bytes:
    """The JSON request body, checked by its validator (exactly what goes on the wire)."""
    content = _dump_json(body)
    if validator is not None:
        _validate_body(validator, json.loads(content))
    return content


def encode_body(
    body: Any, encoding: BodyEncoding, validator: Validator | None
) -> tuple[bytes, str]:
    """Return the content and Content-Type of a request body that is not JSON."""
    if encoding.kind == "binary":
        return read_binary(body), encoding.media_type
    if encoding.kind == "text":
        if isinstance(body, str):
            media = encoding.media_type
            if "charset=" not in media.lower():
                media += "; charset=utf-8"
            return body.encode("utf-8"), media
        return read_binary(body), encoding.media_type
    if encoding.kind == "form":
        data = json.loads(_dump_json(body))
        _validate_body(validator, data)
        if not isinstance(data, dict):
            raise RequestValidationError("a form body must be an object")
        from urllib.parse import urlencode  # on first use: slow to import

        pairs = _form_pairs(data, encoding.styles)
        return urlencode(pairs).encode("ascii"), encoding.media_type
    return multipart(_multipart_parts(body, encoding, validator))


def _nested_json(value: Any) -> Any:
    """A form value's members: scalars stay, objects and arrays become JSON text."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def _form_pairs(
    data: dict[str, Any], styles: Mapping[str, QueryStyle]
) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form body: OpenAPI's form encoding defaults (style
    form, explode), the spec's Encoding Object where it says otherwise."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        style = styles.get(name, FORM)
        if style.style != "deepObject":
            if isinstance(value, dict):
                value = {k: _nested_json(v) for k, v in value.items()}
            elif isinstance(value, list):
                value = [_nested_json(v) for v in value]
        flat[name] = value
    return serialize_query(flat, {name: styles.get(name, FORM) for name in flat})


def _part_text(value: Any) -> str:
    """A JSON scalar as a text part: strings as they are, the rest as JSON writes them."""
    return value if isinstance(value, str) else json.dumps(value)


def _multipart_parts(
    body: Any, encoding: BodyEncoding, validator: Validator | None
) -> list[tuple[str, tuple[str | None, bytes, str | None]]]:
    """The parts of a multipart body, in the order of its keys; validated first, with
    every file standing in as an empty string."""
    body = _plain(body)
    if not isinstance(body, Mapping):
        raise RequestValidationError(
            f"a multipart body must be a mapping, got {type(body).__name__}"
        )
    files = {k: v for k, v in body.items() if k in encoding.files and not _omitted(v)}
    fields = json.loads(_dump_json({k: v for k, v in body.items() if k not in files}))
    stand_ins = {
        k: [""] * len(v) if isinstance(v, list) else "" for k, v in files.items()
    }
    _validate_body(validator, {**fields, **stand_ins})
    parts: list[tuple[str, tuple[str | None, bytes, str | None]]] = []
    for name in body:
        part_type = encoding.part_types.get(name, "")
        if name in files:
            value = files[name]
            for item in value if isinstance(value, list) else [value]:
                part = file_part(name, item, part_type)
                parts.append((part[0], part[1]))
            continue
        value = fields.get(name)
        if value is None:
            continue  # null has no multipart form
        if part_type and media_kind(part_type) == "json":
            parts.append((name, (None, _dump_json(value), part_type)))
        elif isinstance(value, list) and not any(
            isinstance(v, (dict, list)) for v in value
        ):
            parts.extend(
                (name, (None, _part_text(v).encode("utf-8"), part_type or None))
                for v in value
                if v is not None
            )
        elif isinstance(value, (dict, list)):
            parts.append((name, (None, _dump_json(value), "application/json")))
        else:
            parts.append(
                (name, (None, _part_text(value).encode("utf-8"), part_type or None))
            )
    return parts


# ------------------------------------------------------------------------ responses


def media_kind(content_type: str | None) -> MediaKind:
    """Return the kind of a response content type: JSON, text, event stream or bytes."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    ):
        return "json"
    if mime == "text/event-stream":
        return "events"
    if mime.startswith("text/"):
        return "text"
    return "binary"


def _in_range(mime: str, media_range: str) -> bool:
    wanted = media_range.split(";", 1)[0].strip().lower()
    if wanted in ("*", "*/*"):
        return True
    if wanted.endswith("/*"):
        return mime.startswith(wanted[:-1])
    return mime == wanted


class BodyReader(Generic[T]):
    """Reads a documented success body that is not JSON; generated methods put one in
    ``RequestSpec.responses``, where the runtime calls it with ``(response, body)``
    instead of parsed JSON. ``media`` are the documented media ranges of that status."""

    kind: MediaKind = "binary"

    def __init__(self, *media: str) -> None:
        self.media = media

    def __call__(self, received: tuple[httpx.Response, bytes]) -> T:
        response, body = received
        self.check(response, body)
        return self.read(response, body)

    def check(self, response: httpx.Response, body: bytes) -> None:
        """Refuse a content type that is neither documented nor of the documented kind."""
        content_type = response.headers.get("content-type")
        if not content_type:
            return
        mime = content_type.split(";", 1)[0].strip().lower()
        if any(_in_range(mime, m) for m in self.media):
            return
        if media_kind(content_type) == self.kind:
            return
        documented = ", ".join(self.media) or self.kind
        raise ResponseDecodeError(
            f"expected a {self.kind} response ({documented}), got content type "
            f"{content_type!r}",
            response=response,
            body=body,
            reason="content-type",
        )

    def read(self, response: httpx.Response, body: bytes) -> T:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.media!r}"


class BinaryBody(BodyReader[bytes]):
    """A binary body (PDF, audio, images, octet-stream, ``*/*``): the bytes as received."""

    kind: MediaKind = "binary"

    def read(self, response: httpx.Response, body: bytes) -> bytes:
        return body


class TextBody(BodyReader[str]):
    """A ``text/*`` body: decoded with the response's charset, UTF-8 when it names none."""

    kind: MediaKind = "text"

    def read(self, response: httpx.Response, body: bytes) -> str:
        charset = response.charset_encoding or "utf-8"
        try:
            codecs.lookup(charset)
        except LookupError:
            raise ResponseDecodeError(
                f"unknown charset {charset!r} in the response's content type",
                response=response,
                body=body,
                reason="encoding",
            ) from None
        try:
            return body.decode(charset)
        except UnicodeDecodeError as exc:
            raise ResponseDecodeError(
                f"the {charset} response body does not decode: {exc}",
                response=response,
                body=body,
                reason="encoding",
            ) from exc


class EventStreamBody(TextBody):
    """A ``text/event-stream`` body: its text (UTF-8, as the format requires)."""

    kind: MediaKind = "events"

    def read(self, response: httpx.Response, body: bytes) -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ResponseDecodeError(
                f"the event stream does not decode as UTF-8: {exc}",
                response=response,
                body=body,
                reason="encoding",
            ) from exc
