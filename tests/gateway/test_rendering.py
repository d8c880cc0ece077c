"""Rendering bot messages per channel: splitting, Telegram HTML, WhatsApp payloads, web JSON."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from bot.messages import BotMessage, Button
from bot.rendering import (
    CHOOSE_PROMPT,
    WHATSAPP_MORE_CHOICES,
    TelegramButton,
    TelegramText,
    render_telegram,
    render_web,
    render_whatsapp,
    resolve_indexed_payload,
    shorten,
    split_text,
    telegram_html,
    utf16_units,
)
from test_support.paths import ROOT

MODEST = settings(max_examples=300, deadline=None)
LONG_TITLE = "Mal Pelayanan Publik Kabupaten Bandung Barat"
LONG_PAYLOAD = '/book_queue{"mpp_id": "mpp-3217-kabupaten-bandung-barat", "service": "akta_kelahiran"}'
EXTRA_BUTTONS = (Button("Ya, pesan", "/affirm"), Button(LONG_TITLE, LONG_PAYLOAD), Button("Tidak", "/deny"))

# ---------------------------------------------------------------------------------------------
# helpers

_MARKUP = re.compile(r"<(/?)([^<>]*)>|&([a-z]+);|[<>&]")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}


def telegram_visible(markup: str) -> str:
    """The text Telegram shows for ``markup`` in HTML mode; fails on anything but escaped text and balanced <b>."""
    out: list[str] = []
    position = 0
    open_at: int | None = None
    for match in _MARKUP.finditer(markup):
        out.append(markup[position : match.start()])
        position = match.end()
        closing, tag, entity = match.groups()
        if tag is not None:
            assert tag == "b", f"unexpected tag {match.group()!r} in {markup!r}"
            if closing:
                assert open_at is not None, f"</b> without <b> in {markup!r}"
                assert len("".join(out)) > open_at, f"empty <b></b> in {markup!r}"
                open_at = None
            else:
                assert open_at is None, f"nested <b> in {markup!r}"
                open_at = len("".join(out))
        elif entity is not None:
            assert entity in _ENTITIES, f"unknown entity &{entity}; in {markup!r}"
            out.append(_ENTITIES[entity])
        else:
            raise AssertionError(f"unescaped {match.group()!r} in {markup!r}")
    assert open_at is None, f"unclosed <b> in {markup!r}"
    out.append(markup[position:])
    return "".join(out)


def interactive(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["type"] == "interactive"
    result: dict[str, Any] = payload["interactive"]
    return result


def check_whatsapp(payloads: list[dict[str, Any]], to: str) -> None:
    """Every payload keeps the Cloud API limits; interactive messages come last."""
    assert payloads
    seen_interactive = False
    for payload in payloads:
        assert payload["messaging_product"] == "whatsapp"
        assert payload["recipient_type"] == "individual"
        assert payload["to"] == to
        if payload["type"] == "text":
            assert not seen_interactive, "text after the buttons"
            body = payload["text"]["body"]
            assert payload["text"]["preview_url"] is False
            assert 0 < utf16_units(body) <= 4096 and body == body.strip()
            continue
        seen_interactive = True
        content = interactive(payload)
        body = content["body"]["text"]
        assert 0 < utf16_units(body) <= 1024 and body == body.strip()
        if content["type"] == "button":
            buttons = content["action"]["buttons"]
            assert 1 <= len(buttons) <= 3
            ids = [button["reply"]["id"] for button in buttons]
            titles = [button["reply"]["title"] for button in buttons]
            assert all(button["type"] == "reply" for button in buttons)
            assert all(0 < len(id_) <= 256 for id_ in ids)
            assert all(0 < utf16_units(title) <= 20 for title in titles)
        else:
            assert content["type"] == "list"
            assert 0 < len(content["action"]["button"]) <= 20
            [section] = content["action"]["sections"]
            rows = section["rows"]
            assert 1 <= len(rows) <= 10
            ids = [row["id"] for row in rows]
            titles = [row["title"] for row in rows]
            assert all(0 < len(id_) <= 200 for id_ in ids)
            assert all(0 < utf16_units(title) <= 24 for title in titles)
            assert all(0 < utf16_units(row.get("description", "x")) <= 72 for row in rows)
        assert len(set(ids)) == len(ids), ids
        assert len(set(titles)) == len(titles), titles


def whatsapp_choices(payloads: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(id, title) of every button or row, in order."""
    choices: list[tuple[str, str]] = []
    for payload in payloads:
        if payload["type"] != "interactive":
            continue
        content = interactive(payload)
        if content["type"] == "button":
            choices += [(b["reply"]["id"], b["reply"]["title"]) for b in content["action"]["buttons"]]
        else:
            choices += [(row["id"], row["title"]) for row in content["action"]["sections"][0]["rows"]]
    return choices


def check_telegram(rendered: list[TelegramText], message: BotMessage) -> str:
    """Every part keeps Telegram's limits; returns the visible text of all parts joined by a space."""
    assert rendered
    visible = [telegram_visible(part.text) for part in rendered]
    assert all(0 < utf16_units(text) <= 4096 and text == text.strip() for text in visible)
    assert all(not part.keyboard for part in rendered[:-1])
    keys = [key for row in rendered[-1].keyboard for key in row]
    assert len(keys) == len(message.buttons)
    assert all(key.title == (" ".join(button.title.split()) or key.title) and key.title
               for key, button in zip(keys, message.buttons))
    for index, (key, button) in enumerate(zip(keys, message.buttons)):
        assert 1 <= len(key.callback_data.encode("utf-8")) <= 64
        assert resolve_indexed_payload(key.callback_data, message.buttons) == button.payload, index
    return " ".join(visible)


def domain_responses() -> Iterator[tuple[str, dict[str, Any]]]:
    yaml = YAML(typ="safe")
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for name, variants in ((yaml.load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}).items():
            for number, variant in enumerate(variants):
                if variant.get("text"):
                    yield f"{name}[{number}]", variant


RESPONSES = list(domain_responses())


def as_message(variant: dict[str, Any]) -> BotMessage:
    buttons = tuple(Button(str(b["title"]), str(b["payload"])) for b in variant.get("buttons") or ())
    return BotMessage(str(variant["text"]), buttons or EXTRA_BUTTONS)


def words(text: str) -> list[str]:
    return text.split()


# ---------------------------------------------------------------------------------------------
# split_text

def pieces(tokens: list[str], max_size: int) -> st.SearchStrategy[str]:
    """Texts made of the given characters and short sequences (paragraph breaks, entities ...)."""
    return st.lists(st.sampled_from(tokens), max_size=max_size).map("".join)


texts = pieces([*"ab cdé.?!\n\t*<&", "\n\n", ". ", "😀", "\u00a0", "word"], 150) | st.text(max_size=100)


@MODEST
@given(text=texts, limit=st.integers(min_value=1, max_value=60))
def test_split_text_keeps_limit_words_and_order(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(part and part == part.strip() and len(part) <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())
    if max((len(word) for word in text.split()), default=0) <= limit:
        assert [word for part in parts for word in part.split()] == text.split()
    if len(text.strip()) <= limit:
        assert parts == ([text.strip()] if text.strip() else [])


@MODEST
@given(text=texts, limit=st.integers(min_value=2, max_value=60))
def test_split_text_with_another_measure(text: str, limit: int) -> None:
    parts = split_text(text, limit, measure=utf16_units)
    assert all(part and part == part.strip() and utf16_units(part) <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())


def test_split_text_prefers_paragraphs_then_lines_then_sentences_then_spaces() -> None:
    text = "Satu dua.\nTiga empat.\n\nLima enam. Tujuh"
    assert split_text(text, 100) == [text]
    assert split_text(text, 30) == ["Satu dua.\nTiga empat.", "Lima enam. Tujuh"]
    assert split_text(text, 20) == ["Satu dua.", "Tiga empat.", "Lima enam. Tujuh"]
    assert split_text("Lima enam. Tujuh delapan sembilan", 20) == ["Lima enam.", "Tujuh delapan", "sembilan"]
    assert split_text("Lima enam tujuh delapan", 15) == ["Lima enam tujuh", "delapan"]
    assert split_text("PMH-240815-0012-PMH-240815", 10) == ["PMH-240815", "-0012-PMH-", "240815"]


def test_split_text_edges() -> None:
    assert split_text("", 10) == []
    assert split_text(" \n\n ", 10) == []
    assert split_text("  halo  ", 4) == ["halo"]
    assert split_text("• satu\n• dua", 8) == ["• satu", "• dua"]
    with pytest.raises(ValueError):
        split_text("halo", 0)


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("Lokasi MPP", 24) == "Lokasi MPP"
    assert shorten(LONG_TITLE, 24) == "Mal Pelayanan Publik…"
    assert shorten("Abcdefghijklmnopqrstuvwxyz", 10) == "Abcdefghi…"
    assert len(shorten("a " * 100, 72)) <= 72


# ---------------------------------------------------------------------------------------------
# Telegram

telegram_texts = pieces([*"ab *<>&;\n.\"'/_", "&amp;", "<b>", "</b>", "*tebal*", "😀"], 100) | st.text(max_size=100)


@MODEST
@given(text=telegram_texts)
def test_telegram_html_is_always_valid_and_keeps_the_text(text: str) -> None:
    markup = telegram_html(text)
    visible = telegram_visible(markup)
    assert visible.replace("*", "") == text.replace("*", "")
    assert len(visible) >= len(text) - text.count("*")


def test_telegram_formats_balanced_bold_on_one_line_only() -> None:
    assert telegram_html("Kode *TGL-7K3QXM* & <NIK>") == "Kode <b>TGL-7K3QXM</b> &amp; &lt;NIK&gt;"
    assert telegram_html("*a* dan *b*") == "<b>a</b> dan <b>b</b>"
    assert telegram_html("* satu\n* dua") == "* satu\n* dua"  # bullets, not bold
    assert telegram_html("*awal\nakhir*") == "*awal\nakhir*"
    assert telegram_html("2*3*4") == "2*3*4"
    assert telegram_html("**") == "**"
    assert telegram_html('"akta cerai"') == '"akta cerai"'


@MODEST
@given(paragraph=telegram_texts, copies=st.integers(min_value=1, max_value=60))
def test_long_telegram_messages_split_into_valid_parts(paragraph: str, copies: int) -> None:
    message = BotMessage("\n\n".join([paragraph] * copies) + " " + "x" * 5000, EXTRA_BUTTONS)
    rendered = render_telegram(message)
    visible = check_telegram(rendered, message)
    assert words(visible.replace("*", "")) != []


def test_telegram_keyboard_layout_and_callback_data() -> None:
    short = BotMessage("Pilih", tuple(Button(f"Topik {n}", f"/topic_{n}") for n in range(5)))
    [part] = render_telegram(short)
    assert [len(row) for row in part.keyboard] == [2, 2, 1]
    assert part.keyboard[0][0] == TelegramButton("Topik 0", "/topic_0")

    mixed = BotMessage("Pilih", EXTRA_BUTTONS)
    [part] = render_telegram(mixed)
    assert [len(row) for row in part.keyboard] == [1, 1, 1]
    assert [key.callback_data for row in part.keyboard for key in row] == ["/affirm", "#1", "/deny"]
    assert len(LONG_PAYLOAD.encode()) > 64

    emoji = "/pilih{\"x\": \"" + "é" * 30 + "\"}"  # 44 characters, 74 bytes
    [part] = render_telegram(BotMessage("Pilih", (Button("É", emoji),)))
    assert part.keyboard == ((TelegramButton("É", "#0"),),)


def test_telegram_plain_messages_images_and_empty_text() -> None:
    assert render_telegram(BotMessage("Halo & selamat")) == [TelegramText("Halo &amp; selamat")]
    [part] = render_telegram(BotMessage("Peta MPP", image="https://example.org/peta.png?a=1&b=2"))
    assert part.text == "Peta MPP\nhttps://example.org/peta.png?a=1&amp;b=2"
    [part] = render_telegram(BotMessage("", (Button("Ya", "/affirm"),)))
    assert part.text == CHOOSE_PROMPT and part.keyboard
    assert render_telegram(BotMessage("  ")) == []


# ---------------------------------------------------------------------------------------------
# WhatsApp


def test_whatsapp_text_messages_are_split() -> None:
    text = "\n\n".join(f"Paragraf {n}. " + "kata " * 150 for n in range(12))
    payloads = render_whatsapp(BotMessage(text), "6281234567890")
    check_whatsapp(payloads, "6281234567890")
    assert len(payloads) > 1 and all(p["type"] == "text" for p in payloads)
    assert words(" ".join(p["text"]["body"] for p in payloads)) == words(text)
    assert payloads[0] == {"messaging_product": "whatsapp", "recipient_type": "individual",
                           "to": "6281234567890", "type": "text",
                           "text": {"preview_url": False, "body": payloads[0]["text"]["body"]}}


def test_whatsapp_reply_buttons_for_up_to_three_short_titles() -> None:
    message = BotMessage("Pesan sekarang?", (Button("Ya, pesan", "/affirm"), Button("Tidak", "/deny")))
    [payload] = render_whatsapp(message, "62")
    check_whatsapp([payload], "62")
    assert interactive(payload) == {
        "type": "button",
        "body": {"text": "Pesan sekarang?"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "/affirm", "title": "Ya, pesan"}},
                               {"type": "reply", "reply": {"id": "/deny", "title": "Tidak"}}]},
    }


def test_whatsapp_list_for_long_titles_with_description() -> None:
    message = BotMessage("Di provinsi yang sama ada:", (
        Button(LONG_TITLE, '/book_queue{"mpp_id": "a"}'),
        Button("Mal Pelayanan Publik Kabupaten Bandung", '/book_queue{"mpp_id": "b"}'),
        Button("Ambil", LONG_PAYLOAD * 3),
    ))
    [payload] = render_whatsapp(message, "62")
    check_whatsapp([payload], "62")
    content = interactive(payload)
    assert content["type"] == "list" and content["action"]["button"] == "Pilih"
    rows = content["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": '/book_queue{"mpp_id": "a"}', "title": "Mal Pelayanan Publik…", "description": LONG_TITLE}
    assert rows[1]["title"].endswith(" (2)") and rows[1]["description"] == "Mal Pelayanan Publik Kabupaten Bandung"
    assert rows[2] == {"id": "#2", "title": "Ambil"}
    assert resolve_indexed_payload("#2", message.buttons) == LONG_PAYLOAD * 3


def test_whatsapp_more_than_ten_buttons_continue_in_a_second_list() -> None:
    buttons = tuple(Button(f"Layanan {n}", f"/service_{n}") for n in range(13))
    payloads = render_whatsapp(BotMessage("Pilih layanan:", buttons), "62")
    check_whatsapp(payloads, "62")
    assert [len(interactive(p)["action"]["sections"][0]["rows"]) for p in payloads] == [10, 3]
    assert [interactive(p)["body"]["text"] for p in payloads] == ["Pilih layanan:", WHATSAPP_MORE_CHOICES]
    assert [id_ for id_, _ in whatsapp_choices(payloads)] == [b.payload for b in buttons]


def test_whatsapp_long_text_with_buttons_sends_the_lead_as_text() -> None:
    text = "\n".join(f"• Baris nomor {n} dengan penjelasan yang cukup panjang." for n in range(60)) + "\nPilih:"
    payloads = render_whatsapp(BotMessage(text, EXTRA_BUTTONS[:1]), "62")
    check_whatsapp(payloads, "62")
    assert [p["type"] for p in payloads] == ["text", "interactive"]
    bodies = [payloads[0]["text"]["body"], interactive(payloads[1])["body"]["text"]]
    assert bodies[1].endswith("Pilih:") and "\n".join(bodies) == text


def test_whatsapp_duplicates_get_unique_ids_and_titles() -> None:
    message = BotMessage("Yakin?", (Button("Ya", "/affirm"), Button("Ya", "/affirm"), Button("#1", "#1")))
    payloads = render_whatsapp(message, "62")
    check_whatsapp(payloads, "62")
    assert whatsapp_choices(payloads) == [("/affirm", "Ya"), ("#1", "Ya (2)"), ("#2", "#1")]
    assert [resolve_indexed_payload(id_, message.buttons) for id_, _ in whatsapp_choices(payloads)] == [
        "/affirm", "/affirm", "#1"]


def test_whatsapp_image_and_empty_text() -> None:
    [payload] = render_whatsapp(BotMessage("Peta", image="https://example.org/p.png"), "62")
    assert payload["text"]["body"] == "Peta\nhttps://example.org/p.png"
    [payload] = render_whatsapp(BotMessage("", (Button("Ya", "/affirm"),)), "62")
    assert interactive(payload)["body"]["text"] == CHOOSE_PROMPT
    assert render_whatsapp(BotMessage(""), "62") == []


# ---------------------------------------------------------------------------------------------
# web and indexed payloads


def test_render_web_keeps_everything_as_is() -> None:
    message = BotMessage("Halo <b> & *tebal*\n• satu", (Button("Ya", "/affirm"),), image="https://x/y.png")
    assert render_web(message) == {"text": "Halo <b> & *tebal*\n• satu",
                                   "buttons": [{"title": "Ya", "payload": "/affirm"}],
                                   "image": "https://x/y.png"}
    assert render_web(BotMessage("x" * 10000))["text"] == "x" * 10000


def test_resolve_indexed_payload() -> None:
    buttons = (Button("A", "/a"), Button("B", "/b"))
    assert resolve_indexed_payload("#1", buttons) == "/b"
    assert resolve_indexed_payload("#0", buttons) == "/a"
    assert resolve_indexed_payload("#2", buttons) is None
    assert resolve_indexed_payload("#" + "9" * 5000, buttons) is None
    assert resolve_indexed_payload("/affirm", buttons) == "/affirm"
    assert resolve_indexed_payload("#a", buttons) == "#a"
    assert resolve_indexed_payload("#1", ()) is None


# ---------------------------------------------------------------------------------------------
# the real responses


def test_the_domain_has_responses_to_render() -> None:
    assert len(RESPONSES) > 50
    assert any(len(variant.get("buttons") or ()) > 3 for _, variant in RESPONSES)


@pytest.mark.parametrize(("name", "variant"), RESPONSES, ids=[name for name, _ in RESPONSES])
def test_domain_responses_render_within_limits(name: str, variant: dict[str, Any]) -> None:
    message = as_message(variant)
    text = message.text.strip()

    rendered = render_telegram(message)
    assert len(rendered) == 1  # every response fits in one Telegram message ...
    assert telegram_visible(rendered[0].text).replace("*", "") == text.replace("*", "")  # ... as written
    check_telegram(rendered, message)

    payloads = render_whatsapp(message, "6281234567890")
    check_whatsapp(payloads, "6281234567890")
    shown = [p["text"]["body"] if p["type"] == "text" else interactive(p)["body"]["text"] for p in payloads]
    assert "\n".join(body for body in shown if body != WHATSAPP_MORE_CHOICES) == text
    assert [resolve_indexed_payload(id_, message.buttons) for id_, _ in whatsapp_choices(payloads)] == [
        button.payload for button in message.buttons]

    assert render_web(message)["text"] == message.text


@pytest.mark.parametrize(("name", "variant"), RESPONSES[::7], ids=[name for name, _ in RESPONSES[::7]])
def test_long_texts_built_from_domain_responses_split_within_limits(name: str, variant: dict[str, Any]) -> None:
    base = as_message(variant)
    message = BotMessage("\n\n".join([base.text] * 20), base.buttons + EXTRA_BUTTONS * 4)
    visible = check_telegram(render_telegram(message), message)
    assert words(visible) == words(message.text)
    payloads = render_whatsapp(message, "62")
    check_whatsapp(payloads, "62")
    shown = [p["text"]["body"] if p["type"] == "text" else interactive(p)["body"]["text"] for p in payloads]
    assert words(" ".join(body for body in shown if body != WHATSAPP_MORE_CHOICES)) == words(message.text)
    assert [resolve_indexed_payload(id_, message.buttons) for id_, _ in whatsapp_choices(payloads)] == [
        button.payload for button in message.buttons]


def test_html_escaping_matches_the_standard_library() -> None:
    sample = "a < b & c > d"
    assert telegram_html(sample) == html.escape(sample, quote=False)
