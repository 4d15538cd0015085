"""Server frames' schemas read off the frame builders themselves: each outbound event type is built
twice from its type hints (optional fields filled, then left empty), run through its ``Outbound.frame``,
and the two frames' shapes are merged into one JSON Schema."""

from __future__ import annotations

import dataclasses
import enum
import re
import sys
import types
from datetime import UTC, datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

from app.ws.frames import Outbound

_MOMENT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _namespace() -> dict[str, Any]:
    """Every class of the core, for hints a module imports only while type checking."""
    names: dict[str, Any] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("app.core") and module is not None:
            names.update({key: value for key, value in vars(module).items() if isinstance(value, type)})
    return names


def sample(kind: Any, *, filled: bool) -> Any:
    """A value of type ``kind``; ``filled`` picks a value over None for optional types."""
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        return sample(present[0], filled=filled) if filled or len(present) == len(args) else None
    if origin in (list, tuple, set, frozenset):
        return origin([sample(args[0], filled=filled)] if args else [])
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    if kind is bool:
        return True
    if kind in (int, float):
        return kind(1)
    if kind is str:
        return "text"
    if kind is datetime:
        return _MOMENT
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = get_type_hints(kind, localns=_namespace())
        values = {f.name: sample(hints[f.name], filled=filled) for f in dataclasses.fields(kind) if f.init}
        return kind(**values)
    raise TypeError(f"no sample for {kind!r}")


def shape(value: Any) -> dict[str, Any]:
    """The JSON Schema of one JSON value as a frame holds it."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string", "format": "date-time"} if _ISO.match(value) else {"type": "string"}
    if isinstance(value, list | tuple):
        return {"type": "array", "items": shape(value[0]) if value else {}}
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {key: shape(item) for key, item in value.items()},
            "required": sorted(value),
        }
    raise TypeError(f"not a JSON value: {value!r}")


def merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One schema for both shapes: a field null in one is nullable."""
    if first == second:
        return first
    if first.get("type") == "object" and second.get("type") == "object":
        keys = [*first["properties"], *(k for k in second["properties"] if k not in first["properties"])]
        both = {key: merge(first["properties"].get(key, {}), second["properties"].get(key, {})) for key in keys}
        return {
            "type": "object",
            "properties": both,
            "required": sorted(set(first["required"]) & set(second["required"])),
        }
    if not first or not second:
        return first or second
    kinds = sorted({*_types(first), *_types(second)})
    return {**first, **second, "type": kinds}


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def event_frame_schema(event_type: type[Any], outbound: Outbound[Any]) -> tuple[str, dict[str, Any]]:
    """The ``type`` and the payload schema of the frame one event type goes out as."""
    frames = [outbound.frame(sample(event_type, filled=filled)) for filled in (True, False)]
    schema = merge(shape(frames[0]), shape(frames[1]))
    kind = str(frames[0]["type"])
    schema["properties"]["type"] = {"const": kind}
    return kind, schema
