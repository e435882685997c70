"""Security headers on every response: Content-Security-Policy, HSTS in production, and friends.

Scripts: only files from /static (`script-src 'self'`); an inline <script> must carry
`nonce="{{ csp_nonce() }}"`, and the nonce is added to the policy of that response only.
Styles: style sheets only from /static, no <style> elements; `style` attributes are allowed
(`style-src-attr 'unsafe-inline'`) because the email previews show the real email HTML, whose CSS
is inlined into attributes for mail programs, in sandboxed `srcdoc` frames that inherit this
policy, and the questionnaire result bars set their width that way. An attribute cannot select
other elements, so it cannot read the page the way an injected <style> block could.
"""
from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request

# What a browser may use, for every page (the nonce, when a page asks for one, joins script-src).
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Powerful browser features the app never uses, switched off for every page and any frame.
PERMISSIONS = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
               "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()")
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """The nonce of this response's policy (templates: `<script nonce="{{ csp_nonce() }}">`)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _joined(policy: dict) -> str:
    return "; ".join(f"{name} {value}" for name, value in policy.items())


_PLAIN_POLICY = _joined(POLICY)


def content_security_policy() -> str:
    """The policy of this response: POLICY, plus the nonce if the page used one."""
    if "csp_nonce" not in g:
        return _PLAIN_POLICY
    return _joined({**POLICY, "script-src": f"{POLICY['script-src']} 'nonce-{g.csp_nonce}'"})


_EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"),
                   # No page sends its address onwards: parent pages must not leak, and base.html says so too.
                   ("Referrer-Policy", "no-referrer"),
                   ("X-Frame-Options", "DENY"),
                   ("Permissions-Policy", PERMISSIONS),
                   ("Cross-Origin-Opener-Policy", "same-origin"))


def add_headers(response: Response) -> Response:
    """after_request: the headers every response carries (a view's own values win where it set them).
    The names already set are read once: each lookup of a missing header raises inside werkzeug."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    wanted = [("Content-Security-Policy", content_security_policy()), *_EVERY_RESPONSE]
    if current_app.config.get("HSTS"):
        wanted.append(("Strict-Transport-Security", HSTS))
    if request.endpoint and request.endpoint != "static":
        wanted.append(("Cache-Control", "no-store"))
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    """Register the hook and the template helper."""
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
