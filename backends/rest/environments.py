"""Named Zuora environments and the rules a base URL must follow.

The names are ours (Zuora's docs list data centres, not slugs); the URLs are Zuora's published
REST endpoints. ``us-production`` and ``us-sandbox`` are the Cloud 2 hosts Zuora's own SDK uses as
``PROD`` and ``SBX``; the Cloud 1 hosts carry a ``-na`` suffix.
"""

from __future__ import annotations

import ipaddress

import httpx

from backends.errors import ValidationError

__all__ = ["ENVIRONMENTS", "check_base_url", "resolve_base_url"]

ENVIRONMENTS: dict[str, str] = {
    # United States
    "us-production": "https://rest.zuora.com",
    "us-production-na": "https://rest.na.zuora.com",
    "us-sandbox": "https://rest.apisandbox.zuora.com",
    "us-sandbox-na": "https://rest.sandbox.na.zuora.com",
    "us-central-sandbox": "https://rest.test.zuora.com",
    "us-developer-sandbox": "https://rest.test.zuora.com",
    "us-performance-test": "https://rest.pt1.zuora.com",
    # Europe
    "eu-production": "https://rest.eu.zuora.com",
    "eu-sandbox": "https://rest.sandbox.eu.zuora.com",
    "eu-central-sandbox": "https://rest.test.eu.zuora.com",
    "eu-developer-sandbox": "https://rest.test.eu.zuora.com",
    # Asia Pacific
    "apac-production": "https://rest.ap.zuora.com",
    "apac-sandbox": "https://rest.test.ap.zuora.com",
    "apac-central-sandbox": "https://rest.test.ap.zuora.com",
    "apac-developer-sandbox": "https://rest.test.ap.zuora.com",
}

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Return ``url`` normalised (no trailing slash), or raise :class:`ValidationError`.

    Only ``https`` is accepted, except plain ``http`` to a loopback host (the fake server on
    127.0.0.1, ::1 or localhost): a bearer token must never cross a network in clear text.
    """
    text = url.strip()
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValidationError(f"base URL {text!r} is not a valid URL") from exc
    if parsed.scheme not in {"https", "http"} or not parsed.host:
        raise ValidationError(
            f"base URL {text!r} must be an absolute https:// URL such as https://rest.zuora.com"
        )
    if parsed.userinfo:
        raise ValidationError("base URL must not carry a user name or password")
    if parsed.query or parsed.fragment:
        raise ValidationError(f"base URL {text!r} must not have a query or fragment")
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        raise ValidationError(
            f"refusing plain http:// to {parsed.host}: use https:// "
            "(http is only allowed for loopback hosts such as 127.0.0.1 or localhost)"
        )
    return text.rstrip("/")


def resolve_base_url(environment: str | None, base_url: str | None) -> str:
    """The base URL for a profile: an explicit ``base_url`` wins, else the named environment."""
    if base_url:
        return check_base_url(base_url)
    if environment:
        key = environment.strip().lower()
        if key in ENVIRONMENTS:
            return ENVIRONMENTS[key]
        if "://" in key:  # a URL given where a name was expected: accept it, checked
            return check_base_url(environment)
        names = ", ".join(sorted(ENVIRONMENTS))
        raise ValidationError(f"unknown Zuora environment {environment!r}: choose one of {names}")
    raise ValidationError("a REST profile needs `environment` (e.g. us-sandbox) or `base_url`")
