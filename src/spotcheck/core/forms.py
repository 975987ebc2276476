"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any


class OwnIds:
    """A form that shares its page with other forms gets ids of its own.

    Django's default ids are ``id_<field name>``: two forms on one page with a ``reason`` or a
    ``description`` field repeat an id, and a label or an error-summary link then leads to the
    other form's field. ``id_prefix`` (class attribute, or per instance for a form repeated in
    rows) makes both the input ids and the field wrappers of directory/_form_fields.html unique;
    the field names, and so what the views receive, do not change.
    """

    id_prefix = ""

    def __init__(self, *args: Any, id_prefix: str | None = None, **kwargs: Any) -> None:
        if id_prefix is not None:
            self.id_prefix = id_prefix
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
