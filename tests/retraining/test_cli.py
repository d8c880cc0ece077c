"""``mpp-nlu`` end to end on temporary files: inbox -> labels from a file -> merge (dry run, then for real)."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from nlu.retraining.cli import main
from nlu.retraining.paths import DATA_DIR
from nlu.retraining.progress import terminal_progress
from test_support.transcript_seeding import NIK, PHONE, Transcripts


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path


def inbox(seeded: Transcripts, work: Path, *more: str) -> int:
    return main(["inbox", "--db", seeded.url, "--data", str(work / "data"), "--labels", str(work / "labels.yml"),
                 "--snapshot", str(work / "inbox.yml"), *more])


def test_the_loop_from_transcripts_to_training_data(seeded: Transcripts, work: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert inbox(seeded, work, "--format", "csv", "--out", str(work / "inbox.csv")) == 0
    rows = list(csv.DictReader((work / "inbox.csv").open(encoding="utf-8")))
    by_text = {row["representative"].lower(): row for row in rows}
    ktp = by_text["gmn cara bikin ktp"]
    assert (ktp["count"], ktp["predicted_intent"], ktp["reasons"]) == ("3", "nlu_fallback", "fallback,low_confidence")
    passport = next(row for text, row in by_text.items() if "paspor" in text)

    labels_csv = work / "labels.csv"
    labels_csv.write_text(f"group_id,label\n{ktp['group_id']},intent:ktp_new\n"
                          f"{passport['group_id']},intent:passport_info\n", encoding="utf-8")
    assert main(["annotate", "--file", str(labels_csv), "--labels", str(work / "labels.yml"),
                 "--inbox", str(work / "inbox.yml")]) == 0
    assert "new intent(s), not in the domain yet: passport_info" in capsys.readouterr().err

    adminduk = (work / "data" / "adminduk.yml").read_text(encoding="utf-8")
    assert main(["merge", "--labels", str(work / "labels.yml"), "--data", str(work / "data"), "--dry-run"]) == 0
    diff = capsys.readouterr().out
    assert "+    - gmn cara bikin ktp\n" in diff and "+    - gimana cara bkin ktp?\n" in diff
    assert (work / "data" / "adminduk.yml").read_text(encoding="utf-8") == adminduk
    assert not (work / "data" / "new_intents.yml").exists()

    assert main(["merge", "--labels", str(work / "labels.yml"), "--data", str(work / "data")]) == 0
    err = capsys.readouterr().err
    assert "added 4 example(s)" in err and "add them to the domain: passport_info" in err
    assert "    - gimana cara bkin ktp?\n" in (work / "data" / "adminduk.yml").read_text(encoding="utf-8")
    assert "- intent: passport_info" in (work / "data" / "new_intents.yml").read_text(encoding="utf-8")

    assert inbox(seeded, work, "--format", "yaml") == 0  # labelled and merged texts are not asked about again
    listing = capsys.readouterr().out
    assert "bkin ktp" not in listing and "paspor bisa di mpp" not in listing
    assert "3201********0002" in listing


def test_the_table_is_limited(seeded: Transcripts, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert inbox(seeded, work, "--limit", "1") == 0
    captured = capsys.readouterr()
    header, row = captured.out.splitlines()
    assert header.split() == ["id", "count", "intent", "conf", "reasons", "text"]
    assert row.split()[1:5] == ["3", "nlu_fallback", "0.41", "fallback,low_confidence"]
    assert row.endswith("gmn cara bikin ktp (+1 similar)")
    assert "1 shown" in captured.err and NIK not in captured.out and PHONE not in captured.out


def test_one_label_at_a_time_and_conflicts_exit_1(seeded: Transcripts, work: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    labels = ["--labels", str(work / "labels.yml")]
    assert main(["annotate", "--text", "Cara bikin KTP pertama kali", "--label", "intent:kk_new", *labels]) == 0
    assert main(["annotate", "--text", "kk baru buat pengantin x", "--label", "intent:kk_new", *labels]) == 0
    assert main(["annotate", "--group", "ffffffffffff", "--label", "discard", *labels,
                 "--inbox", str(work / "none.yml")]) == 1
    assert "unknown group id" in capsys.readouterr().err
    assert main(["merge", *labels, "--data", str(work / "data")]) == 1
    err = capsys.readouterr().err
    assert "1 example(s) refused" in err
    assert "Cara bikin KTP pertama kali  kk_new  ktp_new" in err
    assert "kk baru buat pengantin x" in (work / "data" / "adminduk.yml").read_text(encoding="utf-8")


def test_usage_errors(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["annotate", "--group", "abc"])
    assert raised.value.code == 2
    assert main(["annotate", "--text", "x y", "--label", "intent:Bad", "--labels", str(work / "l.yml")]) == 1
    assert main(["inbox", "--db", str(work / "missing.db")]) == 1
    assert "no transcript database" in capsys.readouterr().err
    assert not (work / "missing.db").exists()
    sqlite3.connect(work / "other.db").execute("CREATE TABLE unrelated (x INTEGER)").connection.close()
    assert main(["inbox", "--db", str(work / "other.db"), "--snapshot", str(work / "inbox.yml")]) == 1
    assert "no such table: messages" in capsys.readouterr().err


def test_no_progress_bars_without_a_terminal() -> None:
    items = [1, 2, 3]
    assert terminal_progress(items, desc="x") is items  # pytest captures stderr: not a terminal
