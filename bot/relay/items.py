"""Board activity as the relay shows it: names resolved, links made, nothing Slack-specific."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

Message = tuple[str, list[dict[str, Any]]]  # fallback text and blocks


class BoardThread(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    subject: str
    location: str
    group: str | None = None
    group_id: int | None = None
    author: str
    url: str | None = None
    message: str = ""  # the opening post as Nexudus keeps it (possibly HTML), for an excerpt


class BoardReply(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    thread_id: int
    author: str
    text: str


class DigestEntry(BaseModel):
    """One thread in a digest: new, or with new replies (or both)."""

    model_config = ConfigDict(frozen=True)

    thread: BoardThread
    is_new: bool
    replies: list[BoardReply]


class RelayRenderer(Protocol):
    """Turns board activity into Slack messages (implemented in ``handlers.blocks``)."""

    def reply_dm(self, thread: BoardThread, replies: list[BoardReply]) -> Message: ...

    def channel_thread(self, thread: BoardThread) -> Message: ...

    def channel_reply(self, reply: BoardReply) -> Message: ...

    def channel_digest(self, entries: list[DigestEntry]) -> list[Message]: ...

    def personal_digest(self, entries: list[DigestEntry]) -> list[Message]: ...
