"""Names made from user text (run folders, variants, prediction folders) and user URLs as published.

A folder name is lower-case ASCII letters, digits and dashes. Text that is not already such a name gets a
short hash of itself as well, so two different inputs never share a folder ("Units 35" and "units-35",
"🎥.gif" and "📹.gif"), and no text reduces to nothing ("../.." is a hash, not the profile's own run).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

SLUG_LENGTH = 60


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def slug(text: str, identity: str | None = None) -> str:
    """A unique, non-empty folder name for `text`; `identity` (e.g. a file's full path) joins the hash when the
    name alone does not say which input it is."""
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_LENGTH].strip("-")
    if readable and readable == text and identity is None:
        return readable
    return "-".join(filter(None, (readable, digest(text if identity is None else f"{text}\n{identity}"))))


def public_url(url: str) -> str:
    """The URL without credentials, query string or fragment (a pre-signed link's signature is a secret):
    scheme, host, port and path only. This is the form the site, metrics and commands show."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "a URL that cannot be parsed"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return urlunsplit((parts.scheme, host + (f":{port}" if port else ""), parts.path, "", ""))
