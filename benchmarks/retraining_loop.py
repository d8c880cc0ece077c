"""How long the maintainers' retraining loop takes, and what it gains, on the seeded case.

The whole stack runs (back office, actions, Rasa on a copy of the current model, the gateway with
Telegram against the fake Bot API); citizens write the seeded messages (tests/retraining/
seeded_loop.py: death reported in euphemisms, which the model confuses); then ``mpp-nlu`` runs
each step as a maintainer would, on a copy of the project, and the step times are printed.
Accuracy before and after: the project's held-out set and the held-out euphemisms (never trained
on), and the share of the seeded messages the live assistant answers correctly.
Usage: ``make bench-retraining``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

from benchmarks.stack import running_stack
from benchmarks.tables import machine, table
from test_support.paths import ROOT
from test_support.rasa_server import trained_model
from test_support.seeded_retraining import (
    CITIZEN_MESSAGES,
    DEATH_ANSWER,
    NOISE_MESSAGES,
    LoopRun,
    Scores,
    copy_project,
    evaluation_sets,
    labels_csv,
    scores_of,
    tell,
    write_held_out,
)
from test_support.telegram_chat import TelegramCitizen

RESULTS = ROOT / "bench-results" / "retraining"


def understood(replies: list[str]) -> str:
    right = sum(reply.startswith(DEATH_ANSWER) for reply in replies)
    return f"{right}/{len(replies)}"


def run(work: Path) -> str:
    shutil.rmtree(work, ignore_errors=True)
    project = work / "project"
    live_model = copy_project(project, trained_model())
    with running_stack(work / "stack", {"MPP_NLU_PROJECT": str(project)}, model=live_model) as stack:
        def citizens(count: int) -> list[TelegramCitizen]:
            return [TelegramCitizen(stack.gateway, stack.telegram_api) for _ in range(count)]

        started = time.perf_counter()
        replies = asyncio.run(tell(citizens(len(CITIZEN_MESSAGES + NOISE_MESSAGES)), CITIZEN_MESSAGES + NOISE_MESSAGES))
        seeding_s = time.perf_counter() - started
        before = understood(replies[:len(CITIZEN_MESSAGES)])
        loop = LoopRun(project, stack.gateway.database_url, work / "maintainer")
        loop.run("inbox", "--format", "yaml", "--out", str(loop.work / "inbox.yml"))
        groups = YAML(typ="safe").load((loop.work / "inbox.yml").read_text("utf-8"))["groups"]
        (loop.work / "labels.csv").write_text(labels_csv(groups), encoding="utf-8")
        loop.run("annotate", "--file", str(loop.work / "labels.csv"))
        loop.run("merge")
        loop.run("validate")
        candidate = loop.last_line(loop.run("train"))
        overall = scores_of(loop.run("evaluate", "--candidate", str(candidate)).stderr)
        euphemisms = scores_of(loop.run("evaluate", "--candidate", str(candidate), "--test",
                                        str(write_held_out(loop.work / "euphemisms.yml"))).stderr)
        loop.timings["evaluate"] /= 2  # one evaluation per row of the table
        loop.run("promote", "--candidate", str(candidate), *evaluation_sets(project, loop.work),
                 "--rasa-url", stack.rasa.url)
        after = understood(asyncio.run(tell(citizens(len(CITIZEN_MESSAGES)), CITIZEN_MESSAGES)))

    steps = [("citizens write (Telegram → gateway → Rasa)", seeding_s), *loop.timings.items()]
    step_rows = [(step, f"{seconds:.1f}") for step, seconds in steps]
    total = sum(seconds for step, seconds in steps if step != steps[0][0])
    step_rows.append(("**whole loop (mpp-nlu steps)**", f"**{total:.1f}**"))

    def score_row(name: str, scores: Scores) -> tuple[str, ...]:
        return (name, f"{scores.accuracy_before:.3f}", f"{scores.accuracy_after:.3f}",
                f"{scores.macro_f1_before:.3f}", f"{scores.macro_f1_after:.3f}", str(scores.newly_right),
                str(scores.newly_wrong))

    return "\n\n".join([
        f"Machine: {machine()}; {len(groups)} inbox groups from {len(CITIZEN_MESSAGES + NOISE_MESSAGES)} messages",
        table(("step", "seconds"), step_rows),
        table(("test set", "accuracy before", "after", "macro-F1 before", "after", "newly right", "newly wrong"),
              [score_row("tests/nlu/test_nlu.yml", overall), score_row("held-out euphemisms", euphemisms)]),
        table(("seeded messages answered with the death-certificate answer", "before", "after"),
              [("live assistant, through Telegram", before, after)]),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=RESULTS)
    args = parser.parse_args()
    print(run(args.work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
