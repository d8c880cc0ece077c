"""Cross-validation in ``mpp-nlu evaluate``: today's training data against a commit's."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from nlu.retraining.cross_validation import BaselineUnavailable, cross_validate, examples_at

GREETINGS = [f"halo {name}" for name in ("pagi", "siang", "sore", "malam", "kak", "min", "bang", "semua")]
KTP = [f"syarat ktp {word}" for word in ("baru", "hilang", "rusak", "pindah", "ganti", "urus", "cetak", "elektronik")]
DEATH = [f"{who} saya sudah {word}" for who, word in zip(
    ("bapak", "ibu", "kakek", "nenek", "om", "tante", "paman", "bibi"),
    ("berpulang", "tiada", "wafat", "berpulang", "tiada", "wafat", "berpulang", "tiada"))]


def lowercase(texts: Sequence[str]) -> list[str]:
    return [text.lower() for text in texts]


def test_examples_a_merge_added_show_up_as_newly_right() -> None:
    before = [(text, "greet") for text in GREETINGS] + [(text, "ktp_new") for text in KTP]
    after = before + [(text, "death_certificate") for text in DEATH]
    comparison = cross_validate(before, after, lowercase, c=30.0, folds=4)
    assert len(comparison.examples) == len(after)
    right_before = sum(gold == said for gold, said in zip(comparison.gold, comparison.current))
    right_after = sum(gold == said for gold, said in zip(comparison.gold, comparison.candidate))
    assert right_after > right_before
    # the data at the commit never knew the intent: none of its examples were right before
    assert {gold for _, gold, _ in comparison.newly_right()} == {"death_certificate"}
    assert comparison.current_scores.accuracy < comparison.candidate_scores.accuracy


def test_a_fold_s_texts_never_train_the_commit_s_classifier() -> None:
    # the commit labelled these texts one way, today's data the other: if the commit's classifier
    # had trained on the fold it is asked about, it would repeat its own labels
    relabelled = [(text, "ktp_new") for text in DEATH]
    before = [(text, "greet") for text in GREETINGS] + relabelled
    after = [(text, "greet") for text in GREETINGS] + [(text, "death_certificate") for text in DEATH]
    comparison = cross_validate(before, after, lowercase, c=30.0, folds=4)
    said_before = [said for (_, gold), said in zip(comparison.examples, comparison.current) if gold != "greet"]
    assert set(said_before) == {"ktp_new"}  # learnt from the other examples of the commit, not a copy


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(project)})


def nlu_file(intent: str, texts: Sequence[str]) -> str:
    return 'version: "3.1"\nnlu:\n- intent: ' + intent + "\n  examples: |\n" + "".join(f"    - {t}\n" for t in texts)


def test_the_baseline_is_the_committed_data_not_the_working_copy(tmp_path: Path) -> None:
    data = tmp_path / "data" / "nlu"
    data.mkdir(parents=True)
    (data / "greet.yml").write_text(nlu_file("greet", GREETINGS[:3]), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "data")
    (data / "greet.yml").write_text(nlu_file("greet", GREETINGS), encoding="utf-8")  # merged, not committed
    (data / "death.yml").write_text(nlu_file("death_certificate", DEATH), encoding="utf-8")
    assert examples_at(tmp_path, data, "HEAD") == [(text, "greet") for text in GREETINGS[:3]]
    with pytest.raises(BaselineUnavailable, match="no-such-ref"):
        examples_at(tmp_path, data, "no-such-ref")
