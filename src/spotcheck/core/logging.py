"""Logging filters."""

from __future__ import annotations

import logging


class BriefClientErrors(logging.Filter):
    """Keep a 4xx answer to one log line.

    Django logs a refused request (PermissionDenied → 403, SuspiciousOperation → 400) with the
    exception attached, so every 403 a user meets printed a full traceback, which looks like a
    crash to whoever reads the console. A client error is not a fault of the server: keep the
    warning with its path and drop the traceback. Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
