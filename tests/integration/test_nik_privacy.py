"""End to end (Rasa, action server, back office): a stranger who knows only a NIK learns its format validity.

A registered NIK and an unregistered one of the same structure, asked about
with wrong second factors, get the same conversation word for word, but for
the last digits of the masked NIK.
"""

from __future__ import annotations

import uuid
from typing import Any

from test_support.rasa_server import RasaServer

REGISTERED = "3671014104920005"  # r09 of docs/demo-data.md
UNREGISTERED = "3671014104920009"  # the same region, birth date and sex; another serial


def _seen(messages: list[dict[str, Any]], nik: str) -> list[tuple[str, list[str]]]:
    masked = f"{nik[:4]}{'*' * 8}{nik[-4:]}"
    return [((message.get("text") or "").replace(masked, "<NIK>"),
             [button["title"] for button in message.get("buttons", [])]) for message in messages]


async def test_a_registered_and_an_unregistered_nik_get_the_same_conversation(rasa: RasaServer) -> None:
    conversations = []
    for nik in (REGISTERED, UNREGISTERED):
        sender = f"stranger-{uuid.uuid4().hex[:10]}"
        turns = [f"cek nik {nik}", "Maria Ulfa", "/nik_check", nik, "kk 3671010908169999"]
        conversations.append([_seen(await rasa.say(sender, text), nik) for text in turns])
    assert conversations[0] == conversations[1]
    replies = "\n".join(text for turn in conversations[0] for text, _ in turn)
    assert "Susunan NIK <NIK> valid" in replies and "tidak cocok" in replies
    assert "terdaftar di data kependudukan" not in replies
