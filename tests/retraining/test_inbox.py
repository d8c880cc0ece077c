"""The inbox from candidates: duplicates counted once, known texts dropped, groups summarised."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest

from nlu.retraining.inbox import InboxGroup, build_inbox, group_id, inbox_from_database
from nlu.retraining.inbox_output import load_snapshot, render, save_snapshot
from nlu.retraining.paths import DATA_DIR
from nlu.retraining.text import comparable
from nlu.retraining.transcripts import Candidate, Reason
from test_support.transcript_seeding import ALREADY_TRAINED, NIK, PHONE, Transcripts

ids = count(1)


def said(text: str, intent: str | None = "nlu_fallback", confidence: float | None = 0.4,
         *reasons: Reason) -> Candidate:
    return Candidate(next(ids), "c1", text, intent, confidence, frozenset(reasons or {Reason.FALLBACK}))


def test_exact_duplicates_are_counted_once_and_similar_texts_grouped() -> None:
    groups = build_inbox([
        said("gmn cara bikin ktp"), said("Gmn cara bikin KTP??"), said("gmn  cara bikin ktp"),
        said("gimana cara bkin ktp?", "ktp_update", 0.5, Reason.LOW_CONFIDENCE),
        said("jam brp mpp buka", "opening_hours", 0.3, Reason.LOW_CONFIDENCE),
    ])
    ktp, opening = groups
    assert ktp.count == 4 and opening.count == 1
    assert ktp.representative == "gmn cara bikin ktp"
    assert [(item.text, item.count) for item in ktp.texts] == [("gmn cara bikin ktp", 3), ("gimana cara bkin ktp?", 1)]
    assert ktp.predicted_intent == "nlu_fallback"
    assert ktp.confidence == round((0.4 * 3 + 0.5) / 4, 4)
    assert ktp.reasons == {Reason.FALLBACK, Reason.LOW_CONFIDENCE}


def test_groups_are_sorted_by_count_and_ids_are_stable() -> None:
    messages = [said("paspor bisa di mpp"), said("skck di mpp"), said("skck di mpp"),
                said("bikin paspor di mpp bisa gk"), said("bikin paspor di mpp bisa gk")]
    groups = build_inbox(messages)
    assert [group.count for group in groups] == [3, 2]
    passport = groups[0]
    assert passport.id == group_id(["paspor bisa di mpp", "bikin paspor di mpp bisa gk"])
    assert [group.id for group in build_inbox(list(reversed(messages)))] == [group.id for group in groups]


def test_texts_already_in_the_training_data_are_dropped() -> None:
    groups = build_inbox([said(ALREADY_TRAINED), said("Cara bikin KTP pertama kali!"), said("paspor bisa di mpp")],
                         known_texts={comparable(ALREADY_TRAINED)})
    assert [group.representative for group in groups] == ["paspor bisa di mpp"]


def test_the_predicted_intent_is_the_most_common_one() -> None:
    [group] = build_inbox([said("jam brp mpp buka", "opening_hours", 0.5),
                           said("mpp buka jam berapa", "mpp_location", 0.4),
                           said("jam brp mpp buka", "opening_hours", 0.3), said("mpp bukanya jam brp", None, None)])
    assert group.predicted_intent == "opening_hours"
    assert group.confidence == 0.4


@pytest.fixture(scope="module")
def seeded_inbox(seeded: Transcripts) -> list[InboxGroup]:
    return inbox_from_database(seeded.url, DATA_DIR)


def test_personal_data_never_reaches_the_inbox_output(seeded_inbox: list[InboxGroup], tmp_path: Path) -> None:
    groups = seeded_inbox
    assert groups
    save_snapshot(tmp_path / "inbox.yml", groups)
    outputs = [render(groups, output_format) for output_format in ("table", "yaml", "csv")]
    outputs.append((tmp_path / "inbox.yml").read_text(encoding="utf-8"))
    for output in outputs:
        assert NIK not in output and PHONE not in output
        assert "3201********0002" in output
    assert all(NIK not in item.text for group in groups for item in group.texts)


def test_the_seeded_inbox_groups_the_ktp_question_and_drops_the_trained_text(
        seeded: Transcripts, seeded_inbox: list[InboxGroup]) -> None:
    groups = seeded_inbox
    texts = {item.text for group in groups for item in group.texts}
    assert ALREADY_TRAINED not in texts
    [ktp] = [group for group in groups if group.representative.lower() == "gmn cara bikin ktp"]
    assert ktp.count == 3 and {item.text for item in ktp.texts} == {"gmn cara bikin ktp", "gimana cara bkin ktp?"}
    assert ktp.reasons == {Reason.LOW_CONFIDENCE, Reason.FALLBACK}
    assert groups[0] is ktp
    labelled = inbox_from_database(seeded.url, DATA_DIR, labelled_texts=["GIMANA cara bkin ktp"])
    assert "gimana cara bkin ktp?" not in {item.text for group in labelled for item in group.texts}


def test_the_snapshot_gives_the_same_groups_back(tmp_path: Path) -> None:
    path = tmp_path / "inbox.yml"
    groups = build_inbox([said("gmn cara bikin ktp"), said("gimana cara bkin ktp?"),
                          said("paspor: bisa di mpp?", None, None)])
    save_snapshot(path, groups)
    assert list(load_snapshot(path).values()) == groups


def test_texts_are_shown_on_one_line_without_terminal_escapes() -> None:
    [group] = build_inbox([said("ktp\nhilang \x1b[31mgmn")])
    assert group.representative == "ktp hilang [31mgmn"
