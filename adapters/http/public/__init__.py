"""Pages anyone may open without a login (/p/...): rate-limited, cached, no personal data."""
