"""Security headers on every response: CSP without inline script, no framing, no sniffing.

Inline <style> is allowed only with the request's nonce (`request.state.csp_nonce`), which the
self-contained dossier page uses. Swagger UI (/docs, /redoc) loads its script from a CDN and
starts it with an inline script, so those two pages get a relaxed policy of their own."""

import secrets

from starlette.types import Message, Receive, Scope, Send

from adapters.http.plain_asgi import HttpMiddleware

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; "
          "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'")
CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {CDN}; "
               f"style-src 'self' 'unsafe-inline' {CDN} https://fonts.googleapis.com; "
               "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; "
               "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
# Answers that may hold full phone numbers (contacts, registry, the rescuer's page) are not kept
# by a browser or proxy unless the route says otherwise; static files stay cacheable.
PRIVATE = ("/v1/", "/console", "/r/")
NO_STORE = (b"cache-control", b"no-store")
FIXED = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
         (b"x-frame-options", b"DENY")]


class SecurityHeadersMiddleware(HttpMiddleware):
    """Add CSP, X-Content-Type-Options, Referrer-Policy and X-Frame-Options to responses."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = DOCS_POLICY if scope["path"] in DOCS_PATHS else POLICY.format(nonce=nonce)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k, v) for k, v in FIXED if k not in present]
                if b"content-security-policy" not in present:
                    added.append((b"content-security-policy", policy.encode()))
                if b"cache-control" not in present and _private(scope["path"]):
                    added.append(NO_STORE)
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)


def _private(path: str) -> bool:
    return path.startswith(PRIVATE) and not path.startswith("/console/static/")
