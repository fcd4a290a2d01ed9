"""What the site promises every client, served by the app or by nginx from the export: headers, cookie, lifetimes."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"  # two years, as the HTTP Observatory asks


def security_headers(behind_https: bool) -> dict[str, str]:
    headers = dict(HEADERS)
    if behind_https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


LANGUAGE_COOKIE = "site_language"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # the reader's choice is kept for a year
ASSET_MAX_AGE = 365 * 24 * 60 * 60  # asset names change with their content
NOT_FOUND_CACHE = "no-cache"  # a page may appear at any time; revalidate
FAVICON_MAX_AGE = 24 * 60 * 60  # /favicon.ico keeps its URL when the icon changes: a day, then revalidate
