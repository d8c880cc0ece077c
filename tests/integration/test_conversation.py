"""Conversations through the real Rasa server's REST channel, as a citizen has them."""

from __future__ import annotations

import uuid

from test_support.rasa_server import RasaServer


def texts(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


def button_payloads(messages: list[dict]) -> list[str]:
    return [button["payload"] for message in messages for button in message.get("buttons", [])]


def new_citizen() -> str:
    return f"citizen-{uuid.uuid4().hex[:8]}"


async def test_a_greeting_gets_the_menu_with_buttons(rasa: RasaServer) -> None:
    reply = await rasa.say(new_citizen(), "Halooo min, selamat pagi")
    assert "Bapak/Ibu" in texts(reply)
    payloads = button_payloads(reply)
    assert "/request_human" in payloads
    assert 4 <= len(payloads) <= 10


async def test_a_lost_ktp_gets_the_police_letter_and_that_it_is_free(rasa: RasaServer) -> None:
    answer = texts(await rasa.say(new_citizen(), "ektp sy ilang gmn ngurusnya"))
    assert "kehilangan" in answer
    assert "gratis" in answer.lower()


async def test_being_asked_to_pay_gets_the_law_and_the_complaint_route(rasa: RasaServer) -> None:
    answer = texts(await rasa.say(new_citizen(), "bikin kk bayar berapa sih"))
    assert "gratis" in answer.lower()
    assert "lapor.go.id" in answer


async def test_a_complaint_gets_sp4n_lapor_and_an_officer(rasa: RasaServer) -> None:
    # the conversation is then handed to an officer (tests/integration/test_handoff.py)
    reply = await rasa.say(new_citizen(), "pelayanan di capil lama bgt dan petugasnya jutek, saya mau komplain")
    assert "LAPOR" in texts(reply)
    assert "teruskan kepada petugas" in texts(reply)


async def test_nonsense_gets_the_menu_and_the_offer_of_an_officer(rasa: RasaServer) -> None:
    reply = await rasa.say(new_citizen(), "qwxz plmokn zzkj")
    assert "/request_human" in button_payloads(reply)
    assert len(button_payloads(reply)) >= 3


async def test_out_of_scope_is_said_politely(rasa: RasaServer) -> None:
    parsed = await rasa.parse("rekomendasi lagu galau dong")
    assert parsed["intent"]["name"] in {"out_of_scope", "nlu_fallback"}


async def test_a_button_payload_answers_without_nlu(rasa: RasaServer) -> None:
    answer = texts(await rasa.say(new_citizen(), "/kia"))
    assert "KIA" in answer


async def test_entities_keep_offsets_on_the_citizens_own_text(rasa: RasaServer) -> None:
    text = "Halooo, gmn cek NIK sy 3217 0157 0890 0003 di KBB??"
    parsed = await rasa.parse(text)
    assert parsed["text"] == text
    found = {entity["entity"]: entity for entity in parsed["entities"]}
    assert found["nik"]["value"] == "3217015708900003"
    assert text[found["nik"]["start"] : found["nik"]["end"]] == "3217 0157 0890 0003"
    assert found["region"]["value"] == "Kabupaten Bandung Barat"
    assert text[found["region"]["start"] : found["region"]["end"]] == "KBB"


async def test_professions_and_dates_are_normalised(rasa: RasaServer) -> None:
    parsed = await rasa.parse("mau booking antrian senin depan buat urus sip drg")
    values = {(entity["entity"], entity["value"]) for entity in parsed["entities"]}
    assert ("date", "senin depan") in values
    assert ("profession", "dokter gigi") in values


async def test_an_emoji_only_message_gets_a_polite_answer_with_the_menu(rasa: RasaServer) -> None:
    reply = await rasa.say(new_citizen(), "👍🙏")
    assert texts(reply)
    assert "/request_human" in button_payloads(reply) or "/help" in button_payloads(reply)
