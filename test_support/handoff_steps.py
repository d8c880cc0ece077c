"""Steps of a handoff shared by the console tests: a citizen on Telegram asking for an officer."""

from __future__ import annotations

from test_support.console_client import ConsoleAgent
from test_support.fakes.telegram_api import TgUser, text_update
from test_support.telegram_chat import TelegramCitizen, text_of


def name_of(citizen: TelegramCitizen) -> str:
    return f"Warga {citizen.chat_id}"


async def say(citizen: TelegramCitizen, text: str) -> None:
    """A text message from a citizen whose Telegram name tells them apart on the console."""
    user = TgUser(id=citizen.chat_id, first_name="Warga", last_name=str(citizen.chat_id), username=None)
    assert (await citizen.post(text_update(citizen.chat_id, text, user=user)))[0] == 200


async def ask_for_an_officer(citizen: TelegramCitizen, agent: ConsoleAgent) -> str:
    """The citizen asks for a person; returns the conversation id once it is in the agent's queue."""
    await say(citizen, "saya mau bicara dengan petugas")
    bot_answer, queued = await citizen.replies(2)
    assert "petugas" in text_of(bot_answer).lower()
    assert "antrean" in text_of(queued) and "batal" in text_of(queued)
    conversation = await agent.wait_for_conversation(
        lambda c: c["status"] == "queued" and c["citizen"] == name_of(citizen))
    return str(conversation["id"])
