from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
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
