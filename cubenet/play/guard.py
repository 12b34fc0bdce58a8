"""The playground's front door: a per-launch token, Host and Origin checks, capped request bodies.

``cubenet play`` is a server on a learner's laptop, so every request must prove it comes from the page
the learner opened: it carries the launch token (in the URL the first time, then in a cookie or the
``X-Cubenet-Token`` header), names this server in ``Host`` (so a DNS-rebinding page on another name is
refused) and, when it has an ``Origin``, comes from this server's own origin (so other sites' pages are
refused). Anything else gets 403 before any work is done.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

#: request bodies larger than this are refused (a training request is a few hundred bytes)
MAX_BODY = 64 * 1024
COOKIE = "cubenet_play"


class Refused(Exception):
    """A request the server answers with ``status`` and a one-line ``message`` (never a traceback)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Guard:
    """What a request must show: the token, and a Host/Origin that name this server."""

    token: str
    hosts: frozenset  # "127.0.0.1:8765", "localhost:8765", …

    @classmethod
    def for_server(cls, host: str, port: int, token: str | None = None) -> "Guard":
        names = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
        if host in ("::1", "[::1]"):
            names = {"[::1]", "localhost"}
        return cls(token or secrets.token_urlsafe(24), frozenset(f"{name}:{port}" for name in names))

    def origins(self) -> set[str]:
        return {f"http://{h}" for h in self.hosts}

    def check(self, path: str, headers) -> bool:
        """Raise Refused(403) unless the request may proceed; True when the token came in the URL."""
        host = headers.get("Host", "")
        if host not in self.hosts:
            raise Refused(403, f"this server answers to {sorted(self.hosts)[0]} only, not Host {host!r}")
        origin = headers.get("Origin")
        if origin is not None and origin not in self.origins():
            raise Refused(403, f"requests from {origin!r} are not allowed; open the page from this server")
        site = headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            raise Refused(403, "cross-site requests are not allowed")
        from_url = parse_qs(urlsplit(path).query).get("token", [None])[0]
        offered = from_url or headers.get("X-Cubenet-Token") or _cookie(headers.get("Cookie", ""))
        if not offered or not hmac.compare_digest(str(offered).encode(), self.token.encode()):
            raise Refused(403, "missing or wrong token: open the URL that 'cubenet play' printed")
        return from_url is not None

    def cookie_header(self) -> str:
        return f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"


def _cookie(header: str) -> str | None:
    try:
        jar = SimpleCookie()
        jar.load(header)
    except CookieError:
        return None
    return jar[COOKIE].value if COOKIE in jar else None


def read_json_body(headers, stream) -> dict:
    """The request's JSON object body, refused with 400/411/413 when missing, malformed or too large."""
    length = headers.get("Content-Length")
    if length is None:
        raise Refused(411, "a request body needs a Content-Length header")
    try:
        n = int(length)
    except ValueError:
        raise Refused(400, f"Content-Length must be a number, got {length!r}") from None
    if n < 0:
        raise Refused(400, f"Content-Length must be >= 0, got {n}")
    if n > MAX_BODY:
        raise Refused(413, f"the request body is {n:,} bytes; the limit is {MAX_BODY:,}")
    raw = stream.read(n)
    try:
        body = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise Refused(400, f"the request body must be a JSON object, got {type(body).__name__}")
    return body
