"""Protection every response gets: security headers, sign-in throttling by client address,
the 429 answer in Vietnamese, and the client's address read through trusted proxies.

Throttling by account (failed sign-ins) is the engine's rule (`engine.core.login_attempts`);
this module throttles every sign-in attempt from one address with flask-limiter. Its counters
live in the application's database by default (`plancascade-db://`), so every gunicorn worker
and every machine on the database shares them; `RATELIMIT_STORAGE_URI=redis://...` (or
memcached://) moves them to such a server instead.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from engine.core.login_attempts import LockoutPolicy, lockout_message
from engine.core.rate_limit_store import SCHEME as DATABASE_LIMITS

# Scripts come from this site's files only: no inline <script>, no on* handlers, no eval.
# Styles may be inline: the bpmn-js modeler builds icons (align, distribute) as SVG markup with
# style attributes, and a few templates carry style attributes and <noscript> styles.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# Endpoints that check a password: one budget of attempts per client address, POST only.
SIGN_IN_ENDPOINTS = ("auth.login", "api.login", "auth.change_password")
PASSWORD_CHANGE_MESSAGE = ("Bạn đã thử đổi mật khẩu quá nhiều lần. "
                           "Vui lòng thử lại sau {minutes} phút.")


def init_security(app: Flask) -> None:
    """Install the headers, the proxy setting and the sign-in limiter on `app`."""
    proxies = int(app.config.get("PLANCASCADE_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.after_request(add_security_headers)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    limiter = _limiter(app)
    if limiter is not None:
        _throttle_sign_in(app, limiter)


def add_security_headers(response: Response) -> Response:
    """Add the security headers to every response (pages, JSON, files, errors)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def lockout_policy() -> LockoutPolicy | None:
    """Return the per-account lockout of the current app, or None when throttling is off."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED"):
        return None
    return LockoutPolicy(max_failures=int(config["LOGIN_MAX_FAILURES"]),
                         window=config["LOGIN_FAILURE_WINDOW"])


def client_address() -> str:
    """Return the client's address (through the trusted proxies, see PLANCASCADE_PROXIES)."""
    return get_remote_address()


def _limiter(app: Flask) -> Limiter | None:
    """Return flask-limiter bound to `app` (None when throttling is off)."""
    if not app.config.get("RATELIMIT_ENABLED"):
        return None
    uri = str(app.config["RATELIMIT_STORAGE_URI"])
    options: dict[str, Any] = {}
    if uri.startswith(f"{DATABASE_LIMITS}:"):
        options["engine"] = app.extensions["plancascade.engine"]
    limiter = Limiter(client_address, storage_uri=uri, storage_options=options,
                      strategy="fixed-window", headers_enabled=True)
    limiter.init_app(app)
    app.extensions["plancascade.limiter"] = limiter
    return limiter


def _throttle_sign_in(app: Flask, limiter: Limiter) -> None:
    """Put the per-address limit on the views that check a password."""
    shared = limiter.shared_limit(_address_limit, scope="sign-in", methods=["POST"])
    for endpoint in SIGN_IN_ENDPOINTS:
        view: Callable[..., Any] = app.view_functions[endpoint]
        app.view_functions[endpoint] = shared(view)


def _address_limit() -> str:
    """Return the per-address limit of the current app (e.g. "10 per minute")."""
    return str(current_app.config["LOGIN_ADDRESS_LIMIT"])


def handle_rate_limited(exc: RateLimitExceeded) -> ResponseReturnValue:
    """Answer 429 in Vietnamese (JSON under /api/), saying when to try again."""
    from web.errors import respond

    minutes = _minutes_left()
    if request.endpoint == "auth.change_password":
        return respond(429, PASSWORD_CHANGE_MESSAGE.format(minutes=minutes))
    return respond(429, lockout_message(minutes))


def _minutes_left() -> int:
    """Return the whole minutes until the breached limit's window ends (at least 1)."""
    limiter: Limiter | None = current_app.extensions.get("plancascade.limiter")
    limit = limiter.current_limit if limiter is not None else None
    if limit is None:
        return 1
    return max(1, math.ceil((limit.window.reset_time - time.time()) / 60))
