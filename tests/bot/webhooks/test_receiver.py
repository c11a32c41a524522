"""The receiver's reading of a body and its answers, called as WSGI with no server."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pydantic import SecretStr

from bot.webhooks.receiver import Refused, WebhookReceiver, record_ids
from bot.webhooks.signature import sign

SECRET = "s3cret"


def test_threads_and_replies_are_told_apart_and_other_records_ignored() -> None:
    body = b'[{"Id": 1, "Subject": "T"}, {"Id": 2, "CommunityThreadId": 1}, {"Id": 3, "Name": "x"}]'
    assert record_ids(body) == ([1], [2])


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"Id": 1}',  # not an array
        b"[1, 2]",  # not objects
        b'[{"Id": true, "Subject": "T"}]',  # a boolean is no id
        b'[{"Subject": "T"}]',  # no id
    ],
)
def test_malformed_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(Refused) as refused:
        record_ids(body)
    assert refused.value.status == 400


def call(receiver: WebhookReceiver, body: bytes, **environ: Any) -> str:
    statuses: list[str] = []
    env = {
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json; charset=utf-8",
        "HTTP_X_NEXUDUS_HOOK_SIGNATURE": sign(body, SECRET),
        **environ,
    }
    receiver(env, lambda status, headers, exc_info=None: statuses.append(status))  # type: ignore[arg-type,misc]
    return statuses[0]


def test_a_body_longer_than_declared_limit_is_refused_while_reading() -> None:
    nudged: list[Any] = []
    receiver = WebhookReceiver(SecretStr(SECRET), lambda t, r: nudged.append((t, r)), max_body=10)
    body = b'[{"Id": 1, "Subject": "long enough"}]'

    # No Content-Length (chunked): the limit is enforced on the bytes read.
    assert call(receiver, body, CONTENT_LENGTH="").startswith("413")
    assert call(receiver, body).startswith("413")
    assert nudged == []


def test_a_signed_body_nudges_with_its_ids_and_answers_200() -> None:
    nudged: list[Any] = []
    receiver = WebhookReceiver(SecretStr(SECRET), lambda t, r: nudged.append((t, r)))

    assert call(receiver, b'[{"Id": 7, "CommunityThreadId": 3}]').startswith("200")
    assert nudged == [([], [7])]
