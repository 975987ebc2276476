"""REST API for staff (token or session auth) over the same selectors as the web UI."""
