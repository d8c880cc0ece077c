"""Labels: their syntax, label files (CSV and YAML) with every problem reported, the shared working file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.retraining.inbox import InboxGroup, TextCount
from nlu.retraining.inbox_output import render_csv, save_snapshot
from nlu.retraining.labels import (
    Label,
    LabelError,
    load_labels,
    new_intents,
    parse_label,
    read_label_file,
    save_label,
    save_labels,
)
from nlu.retraining.paths import DOMAIN_DIR
from nlu.retraining.training_data import domain_intents
from nlu.retraining.transcripts import Reason
from test_support.transcript_seeding import NIK


def group(group_id: str, *texts: str) -> InboxGroup:
    return InboxGroup(group_id, texts[0], tuple(TextCount(text, 1) for text in texts), "nlu_fallback", 0.4,
                      len(texts), frozenset({Reason.FALLBACK}))


KTP = group("aaaaaaaaaaaa", "gmn cara bikin ktp", "gimana cara bkin ktp?")
PASSPORT = group("bbbbbbbbbbbb", "paspor bisa di mpp?", "bikin paspor di mpp bisa gk")
GROUPS = {KTP.id: KTP, PASSPORT.id: PASSPORT}


@pytest.mark.parametrize(("given", "canonical"), [
    ("intent:ktp_new", "intent:ktp_new"), (" discard ", "discard"), ("intent: passport_info", "intent:passport_info"),
    ("intent:a2", "intent:a2")])
def test_valid_labels(given: str, canonical: str) -> None:
    assert parse_label(given) == canonical


@pytest.mark.parametrize("given", [
    "ktp_new", "intent:KTP_new", "intent:1ktp", "intent:", "intent:ktp-new", "Discard", "", "intent:nlu_fallback"])
def test_invalid_labels(given: str) -> None:
    with pytest.raises(LabelError):
        parse_label(given)


def test_a_csv_by_group_id_takes_the_groups_texts(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("group_id,label\naaaaaaaaaaaa,intent:ktp_new\nbbbbbbbbbbbb,intent:passport_info\n",
                    encoding="utf-8")
    labels = read_label_file(path, GROUPS)
    assert labels == [Label("intent:ktp_new", ("gmn cara bikin ktp", "gimana cara bkin ktp?"), group_id=KTP.id),
                      Label("intent:passport_info", ("paspor bisa di mpp?", "bikin paspor di mpp bisa gk"),
                            group_id=PASSPORT.id)]
    assert new_intents(labels, domain_intents(DOMAIN_DIR)) == ["passport_info"]


def test_a_csv_by_text_masks_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f'text,label\n"cek nik {NIK} dong",intent:nik_check\nasdfgh,discard\n', encoding="utf-8")
    labels = read_label_file(path, {})
    assert [(label.text, label.label) for label in labels] == [
        ("cek nik 3201********0002 dong", "intent:nik_check"), ("asdfgh", "discard")]
    assert labels[1].intent is None


def test_every_problem_of_a_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("group_id,label\n"
                    "aaaaaaaaaaaa,intent:KTP\n"
                    "cccccccccccc,intent:ktp_new\n"
                    "bbbbbbbbbbbb,discard\n"
                    "bbbbbbbbbbbb,intent:passport_info\n", encoding="utf-8")
    with pytest.raises(LabelError) as raised:
        read_label_file(path, GROUPS)
    problems = raised.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("labels.csv line 2: 'intent:KTP' is not a label")
    assert problems[1].startswith("labels.csv line 3: unknown group id 'cccccccccccc'")
    assert problems[2] == "labels.csv line 5: 'bbbbbbbbbbbb' is labelled both discard and intent:passport_info"


def test_a_csv_needs_a_label_and_a_target_column(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,intent\nx,y\n", encoding="utf-8")
    with pytest.raises(LabelError, match="header"):
        read_label_file(path, GROUPS)


def test_a_filled_in_inbox_export_is_a_label_file(tmp_path: Path) -> None:
    lines = render_csv([KTP, PASSPORT]).splitlines()
    lines[1] += "intent:ktp_new"  # the label column is the last; the passport row stays unlabelled
    path = tmp_path / "inbox.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [(label.group_id, label.label) for label in read_label_file(path, GROUPS)] == [(KTP.id, "intent:ktp_new")]


def test_yaml_label_files(tmp_path: Path) -> None:
    listed = tmp_path / "list.yml"
    listed.write_text("- group_id: aaaaaaaaaaaa\n  label: intent:ktp_new\n- text: paspor anak\n  label: discard\n",
                      encoding="utf-8")
    keyed = tmp_path / "keyed.yaml"
    keyed.write_text("labels:\n- group: bbbbbbbbbbbb\n  label: intent:passport_info\n", encoding="utf-8")
    assert [label.label for label in read_label_file(listed, GROUPS)] == ["intent:ktp_new", "discard"]
    assert read_label_file(keyed, GROUPS)[0].texts == ("paspor bisa di mpp?", "bikin paspor di mpp bisa gk")
    broken = tmp_path / "broken.yml"
    broken.write_text("labels: just text\n", encoding="utf-8")
    with pytest.raises(LabelError, match="expected a list"):
        read_label_file(broken, GROUPS)


def test_the_working_file_is_shared_and_a_new_label_replaces_the_old(tmp_path: Path) -> None:
    inbox, path = tmp_path / "inbox.yml", tmp_path / "work" / "labels.yml"
    save_snapshot(inbox, [KTP, PASSPORT])
    assert load_labels(path) == []
    saved = save_label(path, KTP.id, "intent:ktp_update", inbox=inbox)
    assert saved.texts == ("gmn cara bikin ktp", "gimana cara bkin ktp?")
    save_label(path, PASSPORT.id, "discard", inbox=inbox)
    save_label(path, KTP.id, "intent:ktp_new", inbox=inbox)
    assert [(label.group_id, label.label) for label in load_labels(path)] == [
        (KTP.id, "intent:ktp_new"), (PASSPORT.id, "discard")]
    assert path.read_text(encoding="utf-8").startswith("# Labels of the NLU inbox")


def test_a_label_for_a_group_the_inbox_does_not_have_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="unknown group id"):
        save_label(tmp_path / "labels.yml", "dddddddddddd", "discard", inbox=tmp_path / "none.yml")
    assert not (tmp_path / "labels.yml").exists()


def test_the_console_can_give_the_texts_itself(tmp_path: Path) -> None:
    path = tmp_path / "labels.yml"
    save_label(path, "eeeeeeeeeeee", "intent:kk_new", texts=[f"kk baru nik {NIK}"])
    save_labels(path, [Label("discard", ("wkwk",), text="wkwk")])
    assert [label.texts for label in load_labels(path)] == [("kk baru nik 3201********0002",), ("wkwk",)]


def test_a_citizens_formula_stays_text_in_a_spreadsheet() -> None:
    formula = group("ffffffffffff", '=HYPERLINK("http://x","klik")')
    assert "'=HYPERLINK" in render_csv([formula])
