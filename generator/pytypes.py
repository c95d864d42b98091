"""How IR types look in Python: annotations and decoder expressions for the model templates.

Every fragment is assembled from identifiers made by `generator.naming` and literals made by
`py_literal`, so no text from a spec reaches generated code except as an escaped literal.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from generator.ir import Model, TypeRef
from generator.pystyle import string

_PLAIN = {
    "any": "Any",
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "null": "None",
    "datetime": "datetime",
    "date": "date",
}
_SHAPE_TESTS = {
    "str": "_s.is_str",
    "datetime": "_s.is_str",
    "date": "_s.is_str",
    "int": "_s.is_int",
    "float": "_s.is_number",
    "bool": "_s.is_bool",
    "list": "_s.is_list",
    "map": "_s.is_object",
    "any": "_s.is_any",
}


def py_literal(value: Any) -> str:
    """Return Python source for a JSON value; the only way spec data enters generated code."""
    if isinstance(value, str):
        return string(value)  # repr with the quotes black would choose
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(
            f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()
        )
        return "{" + items + "}"
    raise TypeError(f"not JSON data: {type(value).__name__}")


class TypeNamer:
    """Render TypeRefs for one module, knowing which models are enums and which are aliases.

    Composite decoders (lists, maps, unions) become module-level functions collected in
    ``helpers`` ({function name: (guard, expression)}, both over ``value``: the function
    returns the expression when the guard holds or is "", else ``value`` unchanged); names
    derive from the type's structure, so the same type always gets the same function.
    Map decoders are comprehensions that call an item model's bound ``from_dict``
    (``_from_<snake>``, which the models template defines) directly for plain dicts. A list
    of an object model gets a loop with that model's fast path inline, collected in
    ``loops`` ({function name: (model name, validated)}); ``validated`` loops serve
    ``from_validated``.
    """

    def __init__(self, models: tuple[Model, ...]) -> None:
        self.models = {m.name: m for m in models}
        self.helpers: dict[str, tuple[str, str]] = {}
        self.loops: dict[str, tuple[str, bool]] = {}

    def annotation(self, t: TypeRef) -> str:
        """Return the annotation text of a type."""
        if t.kind in _PLAIN:
            text = _PLAIN[t.kind]
        elif t.kind == "literal":
            text = f"Literal[{py_literal(t.value)}]"
        elif t.kind == "model":
            text = t.name
        elif t.kind == "list":
            text = f"list[{self.annotation(t.args[0])}]"
        elif t.kind == "map":
            text = f"dict[str, {self.annotation(t.args[0])}]"
        else:
            text = " | ".join(self.annotation(a) for a in t.args)
        if t.nullable and t.kind not in ("any", "null"):
            text += " | None"
        return text

    def decoder(self, t: TypeRef) -> str | None:
        """Return the name of a one-argument decoder function, or None for identity."""
        if t.kind == "datetime":
            return "_s.to_datetime"
        if t.kind == "date":
            return "_s.to_date"
        if t.kind == "model":
            return f"_decode_{self.models[t.name].snake}"
        if t.kind == "list" and self._object_model(t.args[0]):
            snake = self.models[t.args[0].name].snake
            return self._loop(f"_decode_list__{snake}", t.args[0].name, False)
        if t.kind in ("list", "map"):
            inner = self.decoder(t.args[0])
            if inner is None:
                return None
            # "_item"/"_key" cannot name a model or helper: those never start with "_" but
            # for the "_decode_"/"_is_"/"_from_" prefixes.
            item = self._item(t.args[0], inner, "_item")
            if t.kind == "list":
                guard = "isinstance(value, list)"
                expression = f"[{item} for _item in value]"
            else:
                guard = "isinstance(value, (dict, Mapping))"
                expression = f"{{_key: {item} for _key, _item in value.items()}}"
            name = f"_decode_{t.kind}_of_{_stem(inner)}"
            return self._helper(name, expression, guard)
        if t.kind == "union":
            return self._union(t)
        return None

    def validated_decoder(self, t: TypeRef) -> str | None:
        """Return the decoder of a value the model's validator accepted: objects and lists
        of objects take their fast path without the checks the validator made; "__"
        never occurs in a model's snake name, so these names meet no other."""
        if self._object_model(t):
            return f"_valid__{self.models[t.name].snake}"
        if t.kind == "list" and self._object_model(t.args[0]):
            snake = self.models[t.args[0].name].snake
            return self._loop(f"_valid_list__{snake}", t.args[0].name, True)
        return self.decoder(t)

    def may_be_null(self, t: TypeRef) -> bool:
        """Return whether a valid value of this type can be null (unions and aliases are
        assumed to allow it: their null checks are then kept)."""
        if t.nullable or t.kind in ("any", "null", "union"):
            return True
        if t.kind == "literal":
            return t.value is None
        if t.kind == "model":
            model = self.models[t.name]
            if model.kind == "enum":
                return any(m.value is None for m in model.members)
            return model.kind != "object"
        return False

    def _object_model(self, t: TypeRef) -> bool:
        return t.kind == "model" and self.models[t.name].kind == "object"

    def _loop(self, name: str, model: str, validated: bool) -> str:
        self.loops.setdefault(name, (model, validated))
        return name

    def _item(self, t: TypeRef, decoder: str, var: str) -> str:
        """Return the expression decoding one item ``var`` of a list or map."""
        if self._object_model(t):
            # The model's bound from_dict, ``_from_<snake>``: no classmethod binding per item.
            # type() is cheaper than isinstance; a dict subclass goes through the decoder.
            bound = f"_from_{self.models[t.name].snake}"
            return f"{bound}({var}) if type({var}) is dict else {decoder}({var})"
        return f"{decoder}({var})"

    def _helper(self, name: str, expression: str, guard: str = "") -> str:
        if len(name) > 60:
            digest = hashlib.sha256(f"{guard}:{expression}".encode()).hexdigest()[:10]
            name = f"_decode_{digest}"
        self.helpers.setdefault(name, (guard, expression))
        return name

    def _union(self, t: TypeRef) -> str | None:
        models = [a for a in t.args if self._object_model(a)]
        digest = hashlib.sha256(self.annotation(t).encode()).hexdigest()[:10]
        if t.discriminator is not None and t.discriminator.mapping:
            pairs = ", ".join(
                f"{py_literal(value)}: _decode_{self.models[name].snake}"
                for value, name in t.discriminator.mapping
            )
            prop = py_literal(t.discriminator.property)
            return self._helper(
                f"_decode_union_{digest}",
                f"_s.by_discriminator(value, {prop}, {{{pairs}}})",
            )
        decoders = [self.decoder(a) for a in t.args]
        if all(d is None for d in decoders):
            return None
        options: list[str] = []
        if len(models) > 1:
            keyed = [
                f"(_s.keys_of({m.name}), _decode_{self.models[m.name].snake})"
                for m in models
            ]
            best = self._helper(
                f"_decode_best_{digest}", f"_s.best_object(value, {_tuple(keyed)})"
            )
            options.append(f"(_s.is_object, {best})")
        for option, decode in zip(t.args, decoders):
            if option in models and len(models) > 1:
                continue
            options.append(f"({self._shape_test(option)}, {decode or '_s.identity'})")
        return self._helper(
            f"_decode_union_{digest}", f"_s.to_union(value, {_tuple(options)})"
        )

    def _shape_test(self, t: TypeRef) -> str:
        if t.kind == "literal":
            return self._helper(
                f"_is_literal_{hashlib.sha256(py_literal(t.value).encode()).hexdigest()[:10]}",
                f"value == {py_literal(t.value)}",
            )
        if t.kind == "model":
            model = self.models[t.name]
            if model.kind == "object":
                return "_s.is_object"
            if model.kind == "enum":
                return "_s.is_int" if model.enum_base == "int" else "_s.is_str"
            return "_s.is_any"
        return _SHAPE_TESTS.get(t.kind, "_s.is_any")


def _tuple(items: list[str]) -> str:
    """Return a tuple display as black writes it on one line (a trailing comma only for one
    item: after two or more it would be a magic comma, exploding the tuple)."""
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _stem(decoder: str) -> str:
    """Return the readable part of a decoder's name, for naming the helpers built on it."""
    return decoder.rsplit(".", 1)[-1].removeprefix("_decode_").removeprefix("to_")
