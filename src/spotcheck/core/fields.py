"""Model fields shared by the apps."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class JSONBytesField(models.BinaryField):
    """A JSON document kept as its UTF-8 text in a binary column, parsed on read.

    For documents that are only ever stored and read back whole, never queried inside (a
    draw's proof: 186 MB at 10^7 targets). PostgreSQL's jsonb costs a parse into its binary
    form on every write and gives nothing back here: 12.7 s for a 182 MB document against
    1.5 s for the same bytes as bytea, measured with the driver binding the value on the
    server; Django binds on the client, where bytea travels as a hex literal, so the saving
    through the ORM is smaller (docs/operations.md §9b). The stored text is any valid JSON: values written by the field
    are compact ASCII, values converted from a jsonb column keep PostgreSQL's spacing.
    """

    description = "JSON document stored as UTF-8 bytes"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else _parse(value)

    def to_python(self, value: Any) -> Any:
        # Deserialisation (loaddata) hands over the text value_to_string wrote.
        if isinstance(value, str | bytes | bytearray | memoryview):
            return _parse(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        # ASCII escapes: a str with one non-ASCII character takes 2-4 bytes per character, so
        # a 186 MB proof with a witness's name in it would cost up to 744 MB before encoding.
        return json.dumps(value, separators=(",", ":")).encode("ascii")

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def _parse(value: str | bytes | bytearray | memoryview) -> Any:
    return json.loads(value if isinstance(value, str) else bytes(value))
