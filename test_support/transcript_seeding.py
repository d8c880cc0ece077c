"""A transcript database with the gateway's real schema (its Alembic migrations) and seeded messages."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from bot.store.migrate import MIGRATIONS
from bot.store.models import Contact, Conversation, Message
from storage.database import make_engine

START = datetime(2025, 3, 3, 8, 0)


class Transcripts:
    """Seeds conversations and messages into a fresh transcript database (a SQLite file or a PostgreSQL URL)."""

    def __init__(self, database: Path | str) -> None:
        self.url = database if isinstance(database, str) else f"sqlite:///{database}"
        MIGRATIONS.upgrade(self.url)
        self.engine = make_engine(self.url, pool_size=1)
        self.clock = START
        self.count = 0

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=30)
        return self.clock

    def conversation(self, status: str = "bot", handoff_reason: str | None = None) -> str:
        contact_id, conversation_id = str(uuid.uuid4()), str(uuid.uuid4())
        with Session(self.engine, future=True) as session:
            session.add(Contact(id=contact_id, display_name="Warga", created_at=self.clock))
            session.add(Conversation(id=conversation_id, contact_id=contact_id, sender_id=uuid.uuid4().hex,
                                     status=status, handoff_reason=handoff_reason, created_at=self.clock,
                                     last_message_at=self.clock))
            session.commit()
        return conversation_id

    def citizen(self, conversation_id: str, text: str, intent: str | None = None, confidence: float | None = None,
                status: str = "answered", kind: str = "text") -> int:
        """A message the citizen sent (and the NLU result the gateway stored with it)."""
        return self._message(conversation_id, "in", "citizen", text, status, kind, intent, confidence)

    def bot(self, conversation_id: str, text: str) -> int:
        return self._message(conversation_id, "out", "bot", text, "sent", "text", None, None)

    def queue(self, conversation_id: str, reason: str = "fallback") -> None:
        """The conversation is handed to the agents now."""
        with Session(self.engine, future=True) as session:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.status, conversation.handoff_reason, conversation.queued_at = "queued", reason, self.tick()
            session.commit()

    def _message(self, conversation_id: str, direction: str, sender: str, text: str, status: str, kind: str,
                 intent: str | None, confidence: float | None) -> int:
        self.count += 1
        now = self.tick()
        message = Message(conversation_id=conversation_id, direction=direction, sender=sender, channel="telegram",
                          address="1001", dedupe_key=f"telegram:{self.count}" if direction == "in" else None,
                          kind=kind, text=text, status=status, intent=intent, confidence=confidence,
                          created_at=now, updated_at=now)
        with Session(self.engine, future=True) as session:
            session.add(message)
            session.commit()
            return int(message.id)

    def close(self) -> None:
        self.engine.dispose()


NIK = "3201010101900002"
PHONE = "081234567890"
PERSONAL = f"NIK saya {NIK} no hp {PHONE} kok blm terdaftar"
ALREADY_TRAINED = "cara bikin ktp pertama kali"  # an example of ktp_new in data/nlu/adminduk.yml


def seed_misunderstood(transcripts: Transcripts) -> dict[str, str]:
    """Conversations with every kind of candidate (and messages that are none); returns their ids."""
    first = transcripts.conversation()
    transcripts.citizen(first, "halo", "greet", 0.97)
    transcripts.bot(first, "Halo! Ada yang bisa dibantu?")
    transcripts.citizen(first, "gmn cara bikin ktp", "nlu_fallback", 0.41)
    transcripts.citizen(first, "gimana cara bkin ktp?", "ktp_update", 0.45)
    transcripts.citizen(first, "1", "affirm", 0.2, kind="button")
    transcripts.citizen(first, "/greet", "greet", 0.1, kind="command")
    transcripts.citizen(first, PERSONAL, "nlu_fallback", 0.3)
    transcripts.citizen(first, ALREADY_TRAINED, "ktp_new", 0.55)
    transcripts.citizen(first, "jam buka mpp kapan", "opening_hours", 0.93)

    handed_over = transcripts.conversation()
    transcripts.citizen(handed_over, "permisi kak", "greet", 0.9)  # fourth before the handoff: outside the window
    transcripts.citizen(handed_over, "paspor bisa di mpp?", "out_of_scope", 0.81)
    transcripts.citizen(handed_over, "bikin paspor di mpp bisa gk", "mpp_location", 0.72)
    transcripts.citizen(handed_over, "sy mau ngomong sama orang aja", "request_human", 0.96)
    transcripts.queue(handed_over, "request_human")
    transcripts.citizen(handed_over, "halo kak tolong dibantu paspor anak", status="forwarded")

    other = transcripts.conversation()
    transcripts.citizen(other, "Gmn cara bikin KTP", "nlu_fallback", 0.38)
    return {"first": first, "handed_over": handed_over, "other": other}
