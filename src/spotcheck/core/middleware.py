from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseByDefaultLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switcher.

    Django's stock middleware follows the browser's Accept-Language, which on many office PCs
    is English; staff would then get an English UI they never asked for.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class StripNulFromQueryMiddleware:
    """Drop NUL characters from query-string values.

    Search boxes and filters read ``request.GET`` straight into queries, and PostgreSQL
    refuses a string literal containing NUL with an error (a 500), where SQLite simply finds
    nothing. No legitimate search or filter value contains one. Form posts are not touched:
    Django's form fields already refuse NUL with a message."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in v for values in request.GET.lists() for v in values[1]
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]
        return self.get_response(request)
