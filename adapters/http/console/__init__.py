"""The operator console: server-rendered pages (Jinja2 + htmx + SSE), no build step."""
