"""Existing tokens: expire API_TOKEN_DAYS after their creation, bound to the user's current role."""

import datetime as dt

from django.conf import settings
from django.db import migrations


def fill(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    days = dt.timedelta(days=getattr(settings, "API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.select_related("user").filter(expires_at__isnull=True):
        token.expires_at = token.created_at + days
        token.issued_role = token.user.role
        token.save(update_fields=["expires_at", "issued_role"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_expiry_and_role")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
