"""Placeholder: the import/export engineer replaces this with the real routes."""

urlpatterns_io: list = []
