"""A Content-Security-Policy header for the few pages the server renders itself.

Django 5.2 has no CSP support of its own; the pages that need a policy say so with
``@content_security_policy(...)``. The other security headers (nosniff, Referrer-Policy,
X-Frame-Options, Cross-Origin-Opener-Policy, HSTS in production) come from the middleware,
as for the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

# Only our own files: no inline script or style, no eval, no third party, no framing, and
# no form may be sent anywhere by the browser itself (the pages' scripts call the API).
STRICT_SELF = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "manifest-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}


def policy_text(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def content_security_policy(
    directives: dict[str, str], *, permissions: str = ""
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Set ``Content-Security-Policy`` (and ``Permissions-Policy`` when given) on the view's
    responses."""
    header = policy_text(directives)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response["Content-Security-Policy"] = header
            if permissions:
                response["Permissions-Policy"] = permissions
            return response

        return wrapped

    return decorate
