"""X-Nexudus-Hook-Signature: HMAC-SHA256, uppercase hex, over the body as Nexudus signs it."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.webhooks.signature import as_nexudus_signs, sign, verified

SECRET = "s3cret"
ASCII_BODY = b'[{"Id": 1, "Message": "plain"}]'
UTF8_BODY = '[{"Id": 1, "Message": "Café ☕"}]'.encode()


def test_signature_is_uppercase_hex_hmac_sha256() -> None:
    expected = hmac.new(SECRET.encode(), ASCII_BODY, hashlib.sha256).hexdigest().upper()
    assert sign(ASCII_BODY, SECRET) == expected


def test_each_non_ascii_character_becomes_one_question_mark() -> None:
    assert as_nexudus_signs(UTF8_BODY) == b'[{"Id": 1, "Message": "Caf? ?"}]'


@pytest.mark.parametrize(
    ("body", "signature", "accepted"),
    [
        (ASCII_BODY, sign(ASCII_BODY, SECRET), True),  # as sent
        (ASCII_BODY, sign(ASCII_BODY, SECRET).lower(), True),  # hex case is not a secret
        (ASCII_BODY, sign(ASCII_BODY, "other"), False),  # another secret
        (ASCII_BODY, None, False),  # no header
        (ASCII_BODY, "", False),  # empty header
        (ASCII_BODY + b" ", sign(ASCII_BODY, SECRET), False),  # body changed
        (UTF8_BODY, sign(as_nexudus_signs(UTF8_BODY), SECRET), True),  # Nexudus's ASCII signing
        (UTF8_BODY, sign(UTF8_BODY, SECRET), True),  # a sender that signs the bytes it sends
        (UTF8_BODY, sign(as_nexudus_signs(UTF8_BODY), "other"), False),  # ASCII form, wrong secret
    ],
)
def test_verified(body: bytes, signature: str | None, accepted: bool) -> None:
    assert verified(body, signature, SECRET) is accepted


def test_the_ascii_form_is_not_tried_for_an_ascii_body() -> None:
    # "Caf?" signed, "Caf?" sent: the raw form already covers it; nothing looser applies.
    body = b'[{"Message": "Caf?"}]'
    assert verified(body, sign(body, SECRET), SECRET)
    assert not verified(b'[{"Message": "Cafe"}]', sign(body, SECRET), SECRET)
