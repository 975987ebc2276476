"""Errors services raise; views turn them into Chinese messages, never a 500."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ServiceError(Exception):
    """A business rule refused the action; ``message`` is shown to the user as-is."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        # The form field the refusal is about (e.g. one item's findings), so a page can show
        # it beside that field and link to it from the error summary; "" = the whole form.
        self.field = field


class NotAllowed(PermissionDenied):
    """The user's role or department does not allow the action."""
