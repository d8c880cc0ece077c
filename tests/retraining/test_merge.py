"""Merging labelled examples into (a copy of) the real data/nlu: a diff of added lines only, conflicts refused."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from nlu.retraining.labels import Label
from nlu.retraining.merge import MergeError, apply_merge, conflict_report, plan_merge
from nlu.retraining.paths import DATA_DIR, DOMAIN_DIR
from nlu.retraining.training_data import domain_intents, read_training_data
from test_support.transcript_seeding import ALREADY_TRAINED

KNOWN = domain_intents(DOMAIN_DIR)
KTP_NEW = ("gmn cara bikin ktp pertama x", "gimana cara bkin ktp  baru buat anak?")
SAME_INTENT = "Syarat bikin KTP baru buat yg baru umur 17"  # in adminduk.yml without capitals
PASSPORT = ("paspor bisa di mpp?", "bikin paspor di mpp bisa gk")
LABELS = [
    Label("intent:ktp_new", KTP_NEW, group_id="aaaaaaaaaaaa"),
    Label("intent:out_of_scope", ("harga cabai hari ini brp",), text="harga cabai hari ini brp"),
    Label("intent:passport_info", PASSPORT, group_id="bbbbbbbbbbbb"),
    Label("discard", ("asdfgh",), text="asdfgh"),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data" / "nlu"
    shutil.copytree(DATA_DIR, copy)
    return copy


def snapshot(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yml"))}


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    return removed, added


def test_the_only_changes_are_the_added_examples(data: Path) -> None:
    before = snapshot(data)
    plan = plan_merge(LABELS, data, KNOWN)
    assert not plan.conflicts
    apply_merge(plan)
    after = snapshot(data)

    assert set(after) == set(before) | {"new_intents.yml"}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"adminduk.yml", "out_of_scope.yml"}  # not the generated out_of_scope_xsid.yml
    assert changed_lines(before["adminduk.yml"], after["adminduk.yml"]) == (
        [], ["    - gmn cara bikin ktp pertama x", "    - gimana cara bkin ktp baru buat anak?"])
    assert changed_lines(before["out_of_scope.yml"], after["out_of_scope.yml"]) == (
        [], ["    - harga cabai hari ini brp"])
    assert after["new_intents.yml"] == ('version: "3.1"\nnlu:\n- intent: passport_info\n  examples: |\n'
                                        "    - paspor bisa di mpp?\n    - bikin paspor di mpp bisa gk\n")
    assert plan.new_intents == ["passport_info"]


def test_new_examples_go_at_the_end_of_their_intents_block(data: Path) -> None:
    def examples(intent: str) -> list[str]:
        return [example.text for example in read_training_data(data).examples if example.intent == intent]

    ktp_before, complaint_before = examples("ktp_new"), examples("ktp_replace")
    apply_merge(plan_merge(LABELS, data, KNOWN))
    assert examples("ktp_new") == [*ktp_before, "gmn cara bikin ktp pertama x", "gimana cara bkin ktp baru buat anak?"]
    assert examples("ktp_replace") == complaint_before
    assert examples("passport_info") == list(PASSPORT)


def test_merging_twice_changes_nothing_more(data: Path) -> None:
    apply_merge(plan_merge(LABELS, data, KNOWN))
    before = snapshot(data)
    again = plan_merge(LABELS, data, KNOWN)
    assert again.added_count == 0 and again.changes == [] and again.new_intents == []
    assert len(again.skipped) == 5
    apply_merge(again)
    assert snapshot(data) == before


def test_an_example_of_another_intent_is_refused_and_one_of_the_same_intent_skipped(data: Path) -> None:
    labels = [Label("intent:kk_new", (ALREADY_TRAINED.upper() + "!", "kk baru gmn x"), group_id="cccccccccccc"),
              Label("intent:ktp_new", (SAME_INTENT,), text=SAME_INTENT)]
    plan = plan_merge(labels, data, KNOWN)
    [conflict] = plan.conflicts
    assert (conflict.text, conflict.wanted_intent, conflict.existing_intent) == (
        "CARA BIKIN KTP PERTAMA KALI!", "kk_new", "ktp_new")
    assert conflict.file.endswith("adminduk.yml")
    assert plan.skipped == [(SAME_INTENT, "ktp_new")]
    assert plan.added_count == 1  # the other example of the group still goes in
    report = conflict_report(plan.conflicts)
    assert "CARA BIKIN KTP PERTAMA KALI!" in report and "kk_new" in report and "adminduk.yml" in report


def test_one_text_labelled_with_two_intents_is_refused_for_both(data: Path) -> None:
    labels = [Label("intent:kk_new", ("urus kk x",), group_id="dddddddddddd"),
              Label("intent:kk_update", ("Urus KK x?",), text="Urus KK x?")]
    plan = plan_merge(labels, data, KNOWN)
    assert {(conflict.wanted_intent, conflict.existing_intent, conflict.file) for conflict in plan.conflicts} == {
        ("kk_new", "kk_update", "(labels)"), ("kk_update", "kk_new", "(labels)")}
    assert plan.changes == []


def test_the_dry_run_diff_is_what_git_would_show(data: Path) -> None:
    before = snapshot(data)
    diff = plan_merge(LABELS, data, KNOWN).diff()
    assert snapshot(data) == before
    assert "+    - harga cabai hari ini brp\n" in diff
    assert "--- /dev/null\n" in diff and "new_intents.yml" in diff
    assert not [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]


def test_masked_personal_data_is_pointed_out(data: Path) -> None:
    plan = plan_merge([Label("intent:nik_check", ("cek nik 3201********0002 x",), text="cek nik 3201********0002 x")],
                      data, KNOWN)
    assert plan.masked_examples == ["cek nik 3201********0002 x"]


def test_a_file_the_round_trip_would_reformat_is_refused(tmp_path: Path) -> None:
    (tmp_path / "odd.yml").write_text("version: '3.1'\nnlu:\n  - intent: greet\n    examples: |\n      - halo\n",
                                      encoding="utf-8")
    with pytest.raises(MergeError, match="reformat"):
        plan_merge([Label("intent:greet", ("halo kak x",), text="halo kak x")], tmp_path, KNOWN)
