"""The seeded retraining case, shared by the end-to-end test and ``make bench-retraining``.

The model confuses death reported in euphemisms ("bapak berpulang", "nenek sudah tiada",
"dipanggil Tuhan") without the words "akta kematian": it answers out_of_scope, nlu_fallback,
complaint, kk_update... Citizens write such messages on Telegram through the real gateway and Rasa;
a maintainer runs the loop with ``mpp-nlu`` on a copy of the project (``MPP_NLU_PROJECT``), so
the repository's data and models are never touched.

``CITIZEN_MESSAGES`` reach the transcripts (and, labelled, the training data); ``HELD_OUT`` are
other phrasings of the same need, used only to evaluate: they never enter training data.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.retraining.text import comparable
from nlu.retraining.working_files import dump_yaml
from test_support.fakes.telegram_api import TgUser, text_update
from test_support.paths import ROOT
from test_support.telegram_chat import TelegramCitizen

CONFUSED_INTENT = "death_certificate"
# The first words of utter_death_certificate (domain/adminduk.yml).
DEATH_ANSWER = "Turut berduka cita"
CITIZEN_MESSAGES = (
    "bapak saya berpulang tadi pagi, dokumen apa yang harus diurus",
    "bapak saya berpulang tadi pagi, dokumen apa yang harus diurus",
    "Bapak saya berpulang tadi pagi. Dokumen apa yang harus diurus?",
    "bapak sy berpulang tadi pagi dokumen apa yg harus diurus",
    "nenek sudah tiada, surat surat nya gimana",
    "nenek sdh tiada surat2nya gimana",
    "innalillahi ibu saya barusan pergi, ngurus suratnya kemana",
    "ayah kembali ke rahmatullah, urusan administrasinya gmn",
    "adik saya gugur dalam tugas perlu dokumen apa",
    "eyang putri sudah nggak ada, ke capil bawa apa",
    "ibu mertua baru saja dipanggil yang maha kuasa",
    "keluarga kami berduka, ayah pergi untuk selamanya, lapor kemana",
    "pakde sudah almarhum, surat keterangannya dari mana",
    "almarhumah ibu perlu dibuatkan surat apa",
    "habis tahlilan disuruh urus surat ke capil, surat apa ya",
)
# Out of scope and keyboard noise in the same transcripts: the maintainer discards them.
NOISE_MESSAGES = (
    "rekomendasi film horor dong",
    "rekomendasi film horor dong min",
    "hubungi saya di 081234567890 ya",
)
HELD_OUT = (
    "suami saya tutup usia minggu lalu perlu surat apa dari capil",
    "opa sudah dimakamkan, surat dari capil apa yang dibutuhkan",
    "mertua wafat urus dokumen kependudukannya dimana",
    "bapak berpulang ke rumah bapa di surga, urus akte apa",
    "om saya sudah tiada sejak bulan lalu, lapor ke capil gimana",
    "innalillahi wa inna ilaihi rojiun, bude wafat, surat apa yg perlu",
    "kakek sudah dipanggil yang di atas, ngurus dokumennya kemana",
    "ibu kembali ke pangkuan ilahi, surat2nya gmn",
)
SCORES = re.compile(r"accuracy ([\d.]+) -> ([\d.]+), macro-F1 ([\d.]+) -> ([\d.]+), newly right (\d+), "
                    r"newly wrong (\d+)")
PROJECT_PARTS = ("config.yml", "domain", "data", "tests/nlu/test_nlu.yml")
MPP_NLU = ROOT / ".venv" / "bin" / "mpp-nlu"


def copy_project(destination: Path, model: Path) -> Path:
    """A copy of what the loop reads and writes, with ``model`` as the live model; returns the model copy."""
    for part in PROJECT_PARTS:
        source, target = ROOT / part, destination / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    # a clone of its own, as a maintainer's: cross-validation compares with the committed data
    for command in (["init", "-q"], ["add", "--", *PROJECT_PARTS],
                    ["-c", "user.name=maintainer", "-c", "user.email=maintainer@example.org", "commit", "-qm", "copy"]):
        subprocess.run(["git", "-C", str(destination), *command], check=True, capture_output=True)
    live = destination / "models" / model.name
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, live)
    return live


def write_held_out(path: Path) -> Path:
    """The held-out phrasings as a Rasa NLU file, an extra test set for ``evaluate``/``promote``."""
    examples = "".join(f"- {text}\n" for text in HELD_OUT)
    path.write_text(dump_yaml({"version": "3.1", "nlu": [{"intent": CONFUSED_INTENT, "examples": examples}]}),
                    encoding="utf-8")
    return path


def kind_of(text: str) -> str:
    """``seeded`` or ``noise`` for a (masked) text of the inbox; :class:`KeyError` for anything else."""
    key = comparable(text)
    if key in {comparable(message) for message in CITIZEN_MESSAGES}:
        return "seeded"
    if key in {comparable(message) for message in NOISE_MESSAGES} or "nomor" in key or "hubungi" in key:
        return "noise"
    raise KeyError(text)


def labels_csv(groups: Iterable[Mapping[str, Any]]) -> str:
    """What the maintainer decides, as a file for ``mpp-nlu annotate --file``: the seeded groups
    are death certificates, the noise is discarded. Groups mixing both are refused (bad grouping)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group_id", "label"])
    for group in groups:
        kinds = {kind_of(str(item["text"])) for item in group["texts"]}
        if len(kinds) != 1:
            raise AssertionError(f"group {group['id']} mixes seeded and noise texts: {group['texts']}")
        writer.writerow([group["id"], f"intent:{CONFUSED_INTENT}" if kinds == {"seeded"} else "discard"])
    return out.getvalue()


async def tell(citizens: Sequence[TelegramCitizen], texts: Sequence[str]) -> list[str]:
    """Each text from its own citizen (a fresh Telegram chat); the first reply each one gets."""
    first_replies = []
    for citizen, text in zip(citizens, texts, strict=True):
        user = TgUser(id=citizen.chat_id, first_name="Warga", last_name=None, username=None)
        status, _ = await citizen.post(text_update(citizen.chat_id, text, user=user))
        assert status == 200, f"webhook answered {status} for {text!r}"
        first_replies.append(str((await citizen.replies(1, timeout=60))[0].params.get("text") or ""))
    return first_replies


@dataclass
class LoopRun:
    """``mpp-nlu`` run as a maintainer runs it, on the project copy, each step timed."""

    project: Path
    database_url: str
    work: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def environment(self) -> dict[str, str]:
        return {**os.environ, "MPP_NLU_PROJECT": str(self.project), "MPP_NLU_WORK_DIR": str(self.work),
                "GATEWAY_DATABASE_URL": self.database_url, "RASA_TELEMETRY_ENABLED": "false"}

    def run(self, step: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        """``mpp-nlu <step> <args>``; fails with its output unless it exits with ``expect``."""
        started = time.perf_counter()
        done = subprocess.run([str(MPP_NLU), step, *args], cwd=self.project, env=self.environment,
                              capture_output=True, text=True, timeout=900)
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started
        if done.returncode != expect:
            raise AssertionError(f"mpp-nlu {step} exited {done.returncode}, expected {expect}:\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def last_line(self, done: subprocess.CompletedProcess[str]) -> Path:
        """The path a step prints last on stdout (the candidate model, the report)."""
        return Path(done.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Scores:
    """The line ``mpp-nlu evaluate`` / ``promote`` print about the comparison."""

    accuracy_before: float
    accuracy_after: float
    macro_f1_before: float
    macro_f1_after: float
    newly_right: int
    newly_wrong: int


def scores_of(output: str) -> Scores:
    found = SCORES.search(output)
    if not found:
        raise AssertionError(f"no scores in the output of mpp-nlu:\n{output}")
    accuracy_before, accuracy_after, f1_before, f1_after, right, wrong = found.groups()
    return Scores(float(accuracy_before), float(accuracy_after), float(f1_before), float(f1_after), int(right),
                  int(wrong))


def evaluation_sets(project: Path, work: Path) -> list[str]:
    """``--test`` arguments: the project's held-out set and the held-out euphemisms."""
    return ["--test", str(project / "tests" / "nlu" / "test_nlu.yml"),
            "--test", str(write_held_out(work / "held_out_euphemisms.yml"))]
