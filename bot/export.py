"""Transcripts as JSON lines for analysis and retraining, with personal data masked (UU PDP).

Inside the conversation the citizen sees what they wrote; anything leaving it — this export,
logs — masks NIKs, phone numbers and e-mail addresses, in texts, entity values and addresses.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Message
from privacy.masking import mask_personal_data, mask_phone
from storage.database import make_engine


def masked_entities(entities: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{**entity, "value": mask_personal_data(str(entity.get("value")))} for entity in entities or []]


def masked_address(channel: str, address: str) -> str:
    """A WhatsApp address is a phone number; Telegram chat ids and web sessions are not personal data."""
    return mask_phone(address) if channel == "whatsapp" else address


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    for row in session.execute(select(Message).order_by(Message.id)).scalars():
        yield {
            "id": row.id, "conversation": row.conversation_id, "direction": row.direction, "sender": row.sender,
            "channel": row.channel, "address": masked_address(row.channel, row.address), "kind": row.kind,
            "text": mask_personal_data(row.text or ""), "status": row.status,
            "intent": row.intent, "confidence": row.confidence, "entities": masked_entities(row.entities),
            "created_at": row.created_at.isoformat(timespec="seconds") + "Z",
        }


def export_transcripts(database_url: str, out: str = "-") -> int:
    """Write every message as a JSON line to ``out`` (``-``: standard output)."""
    engine = make_engine(database_url, pool_size=1)
    stream: TextIO = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        with Session(engine, future=True) as session:
            for row in export_rows(session):
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if stream is not sys.stdout:
            stream.close()
        engine.dispose()
    return 0
