"""Verifying ``X-Nexudus-Hook-Signature``: HMAC-SHA256 of the body keyed by the shared
secret, uppercase hex (reference §9, §15).

Nexudus computes it over the *ASCII* encoding of the JSON text, where each non-ASCII
character became ``?``, while the body it sends is UTF-8. So a body holding "Café" is
signed as if it said "Caf?". We accept the signature of the raw bytes, else — only when
the body has non-ASCII bytes — the signature of the body with each non-ASCII character
replaced by ``?``. That second form lets a forger who knows a signed body swap its
non-ASCII characters for others, and nothing more; it is safe here because the payload is
only a nudge: the receiver takes record ids from it and re-reads everything from the API.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Nexudus-Hook-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature Nexudus sends for ``body`` as it was signed (uppercase hex)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().upper()


def as_nexudus_signs(body: bytes) -> bytes:
    """``body`` (UTF-8) in the ASCII encoding Nexudus signs: each non-ASCII character → ``?``."""
    return body.decode("utf-8", errors="replace").encode("ascii", errors="replace")


def verified(body: bytes, signature: str | None, secret: str) -> bool:
    """Whether ``signature`` is the secret's signature of ``body`` (constant-time compares)."""
    if not signature:
        return False
    given = signature.strip().upper().encode()
    if hmac.compare_digest(given, sign(body, secret).encode()):
        return True
    if body.isascii():
        return False
    return hmac.compare_digest(given, sign(as_nexudus_signs(body), secret).encode())
