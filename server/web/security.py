"""Security headers on every response, set in one place."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.policy import security_headers


def raw_security_headers(behind_https: bool) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in security_headers(behind_https).items()]


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response the app makes, errors included (the fast path,
    which answers before the app, adds the same ones itself)."""

    def __init__(self, app: ASGIApp, *, behind_https: bool) -> None:
        self.app = app
        self.headers = raw_security_headers(behind_https)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                extra = self.headers if not (present & self.names) else [h for h in self.headers if h[0] not in present]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
