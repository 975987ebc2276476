from __future__ import annotations

import re
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


BUREAU_PORTAL = re.compile(r"^/b/(?P<code>[-a-zA-Z0-9_]{1,40})(?P<rest>/public/.*)$")
_BUREAU_TTL = 60


def _portal_scope(code: str) -> Any:
    from django.core.cache import cache

    from spotcheck.accounts.models import Bureau
    from spotcheck.disclosure.portal_scope import PortalScope

    key = f"portal:bureau:{code}"
    found = cache.get(key)
    if found is None:
        bureau = Bureau.objects.filter(code=code).first()
        found = (
            PortalScope(bureau.code, bureau.name, frozenset(bureau.subtree_ids()))
            if bureau is not None
            else False
        )
        cache.set(key, found, _BUREAU_TTL)
    return found or None


class BureauPortalMiddleware:
    """``/b/<bureau code>/public/…`` is that bureau's own portal: the same pages as
    ``/public/…``, narrowed to the bureau and those below it.

    The prefix is taken off ``path_info`` before URL resolution and put into the script
    prefix for the request, so every link the pages reverse stays inside the bureau's portal.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        match = BUREAU_PORTAL.match(request.path_info)
        if match is None:
            return self.get_response(request)
        from django.http import HttpResponseRedirect
        from django.shortcuts import render
        from django.urls import get_script_prefix, set_script_prefix
        from django.utils.translation import gettext

        if match["rest"].startswith("/public/data/"):
            # Open data is one data set for the whole deployment (each row names its bureau's
            # department); its streamed files are built after this middleware has returned.
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(match["rest"] + (f"?{query}" if query else ""))

        from spotcheck.disclosure.portal_scope import narrowed

        scope = _portal_scope(match["code"])
        if scope is None:
            return render(
                request,
                "portal/not_found.html",
                {
                    "message": gettext("没有代码为“%(code)s”的机关，请从公示首页选择机关")
                    % {"code": match["code"]}
                },
                status=404,
            )
        prefix = get_script_prefix()
        request.path_info = match["rest"]
        set_script_prefix(f"{prefix.rstrip('/')}/b/{scope.code}/")
        try:
            with narrowed(scope):
                return self.get_response(request)
        finally:
            set_script_prefix(prefix)
