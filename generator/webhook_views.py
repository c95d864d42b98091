"""Stage 4, webhooks: the view of the webhooks module (one parse function per webhook).

A webhook is a request the API sends to its users; what they need is its body, parsed,
checked against its schema and decoded into the body's model. The spec names each webhook
but declares no discriminator common to all of them, so one function per webhook (and a
registry by name) is what can be generated truthfully.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir import Api, Model, Webhook
from generator.pytypes import py_literal
from generator.views import doc_literal


@dataclass(frozen=True)
class WebhookView:
    """One parse function: ``def <function>(payload, *, validate=True) -> <annotation>``."""

    function: str  # parse_<snake>
    name: str  # the webhook's name as a Python literal (the WEBHOOKS key)
    doc: str  # docstring literal
    annotation: str  # return annotation ("_m.<Model>" or "Any")
    validator: str  # "_v.validate_<snake>", or "" when the body has no schema
    decoder: str  # "_m.<Model>.from_dict", or "" when the JSON data is returned as is


@dataclass(frozen=True)
class WebhooksView:
    """Context of ``webhooks.py.j2``: the header, module docstring and every webhook."""

    header: str
    doc: str
    webhooks: tuple[WebhookView, ...]
    exports: tuple[str, ...]  # literals of __all__, sorted


def webhooks_view(api: Api, header: str) -> WebhooksView:
    """Return the webhooks module's view (call only when the API has webhooks)."""
    models = {m.name: m for m in api.models}
    views = tuple(_webhook_view(w, models) for w in api.webhooks)
    names = ["WEBHOOKS", "Payload", *(v.function for v in views)]
    return WebhooksView(
        header=header,
        doc=doc_literal(
            "Webhooks the API sends: parse, check and decode their bodies.\n\n"
            "Each ``parse_<webhook>(payload, *, validate=True)`` takes the body as text, "
            "bytes or parsed JSON; with ``validate`` the data is checked against the "
            "body's schema first (ValidationError says where it is wrong), then decoded. "
            "``WEBHOOKS`` maps each webhook's name in the spec to its parse function. "
            "Signatures are not checked here: the spec does not describe them."
        ),
        webhooks=views,
        exports=tuple(py_literal(n) for n in sorted(names)),
    )


def _webhook_view(hook: Webhook, models: dict[str, Model]) -> WebhookView:
    t = hook.body.type if hook.body is not None else None
    model = models.get(t.name) if t is not None and t.kind == "model" else None
    what = hook.summary or hook.description.strip().split("\n", 1)[0]
    doc = f"Parse the body of the ``{hook.name}`` webhook ({hook.method.upper()})."
    if what:
        doc = f"{doc[:-1]}: {what}"
    if model is None:
        doc += " Its body schema is not a model: the data is not checked."
    return WebhookView(
        function=f"parse_{hook.snake}",
        name=py_literal(hook.name),
        doc=doc_literal(doc),
        annotation=f"_m.{model.name}" if model and model.kind == "object" else "Any",
        validator=f"_v.validate_{model.snake}" if model else "",
        decoder=(
            f"_m.{model.name}.from_dict" if model and model.kind == "object" else ""
        ),
    )
