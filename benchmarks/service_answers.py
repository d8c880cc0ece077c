"""`make bench-services`: near misses, the held-out set and out-of-scope recall, with and without
the answer router, and (with --baseline REF) the model of an earlier commit, in one run.

Rows:
  - this model: config.yml as it is (catalogue names + question intents + answer router);
  - without the router: the same model's parses with the classifier's own intent
    (`routed_from`) and no `document` entity — the question intents and the service entity alone;
  - baseline REF: the model trained from REF's data and config (before the catalogue).
Near-miss sets: the TEST half (tests/nlu/near_miss.yml, only its score is read), the DEV half and a
second DEV set (near_miss_dev2.yml), whose failures may be read.
Tables go to stdout and to bench-results/service_answers.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.tables import machine, table
from nlu.answer_evaluation import NearMissScores, answered_about, load_near_misses, score_near_misses
from nlu.answer_router import ROUTED_FROM
from nlu.retraining.scores import Scores, load_examples, out_of_scope_recall, read_xsid_test, score
from service_catalogue.loading import load_catalogue, load_questions
from test_support.paths import ROOT
from test_support.rasa_server import RasaServer, trained_model

NEAR_MISS_TEST = ROOT / "tests" / "nlu" / "near_miss.yml"
NEAR_MISS_DEV = ROOT / "tests" / "nlu" / "near_miss_dev.yml"
NEAR_MISS_DEV2 = ROOT / "tests" / "nlu" / "near_miss_dev2.yml"  # a second DEV set, written later by another hand
NEAR_MISS_SETS = (NEAR_MISS_TEST, NEAR_MISS_DEV, NEAR_MISS_DEV2)
HELD_OUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
XSID_TEST = ROOT / "tests" / "nlu" / "xsid" / "id.test.intent.tsv"
RESULTS = ROOT / "bench-results"


@dataclass
class Row:
    """One model (or one reading of its parses) and its figures."""

    name: str
    held_out: Scores
    near_test: NearMissScores
    near_dev: NearMissScores
    near_dev2: NearMissScores
    oos_recall: float
    # held-out examples whose intent the router changed: made right, made wrong (None: not measured)
    routed_right: int | None = None
    routed_wrong: int | None = None


def without_router(parse: dict[str, Any]) -> dict[str, Any]:
    """The parse as the classifier and the extractors left it."""
    intent = parse.get(ROUTED_FROM) or parse["intent"]["name"]
    return {**parse, "intent": {"name": intent},
            "entities": [entity for entity in parse.get("entities", []) if entity.get("entity") != "document"]}


async def parses(server: RasaServer, texts: list[str]) -> list[dict[str, Any]]:
    return [await server.parse(text) for text in texts]


def figures(name: str, held_out: list[tuple[str, str]], held_parses: list[dict[str, Any]],
            near: dict[Path, list[dict[str, Any]]], xsid_parses: list[dict[str, Any]]) -> Row:
    catalogue, questions = load_catalogue(), load_questions()

    def near_scores(path: Path) -> NearMissScores:
        return score_near_misses(load_near_misses(path),
                                 [answered_about(parse, catalogue, questions) for parse in near[path]])

    return Row(name=name,
               held_out=score([intent for _, intent in held_out], [p["intent"]["name"] for p in held_parses]),
               near_test=near_scores(NEAR_MISS_TEST), near_dev=near_scores(NEAR_MISS_DEV),
               near_dev2=near_scores(NEAR_MISS_DEV2),
               oos_recall=out_of_scope_recall([p["intent"]["name"] for p in xsid_parses]))


async def measure(model: Path, work: Path, names: tuple[str, ...], code: Path | None = None) -> list[Row]:
    """Parse every set with ``model``; one row per reading (``names``: with router, without)."""
    held_out = load_examples([HELD_OUT])
    near_texts = {path: [item.text for item in load_near_misses(path)] for path in NEAR_MISS_SETS}
    # ``code``: an older checkout whose Rasa plug-ins the model names (found after this checkout's)
    server = RasaServer(model, work, extra_env={"PYTHONPATH": str(code)} if code else {}).start()
    try:
        held = await parses(server, [text for text, _ in held_out])
        near = {path: await parses(server, texts) for path, texts in near_texts.items()}
        xsid = await parses(server, read_xsid_test(XSID_TEST))
    finally:
        server.stop()
    rows = [figures(names[0], held_out, held, near, xsid)]
    if len(names) > 1:  # a model with the router: what it did to the held-out set, and the reading without it
        routed = [(gold, parse) for (_, gold), parse in zip(held_out, held, strict=True) if parse.get(ROUTED_FROM)]
        rows[0].routed_right = sum(gold == parse["intent"]["name"] for gold, parse in routed)
        rows[0].routed_wrong = sum(gold == parse[ROUTED_FROM] for gold, parse in routed)
        rows.append(figures(names[1], held_out, [without_router(p) for p in held],
                            {path: [without_router(p) for p in found] for path, found in near.items()},
                            [without_router(p) for p in xsid]))
    return rows


@contextmanager
def baseline_model(ref: str, work: Path) -> Iterator[tuple[Path, Path]]:
    """The model of commit ``ref`` trained in a worktree (its data, config and code), and the worktree:
    served with this checkout's code first, the worktree's for the plug-ins its config names."""
    tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    try:
        os.symlink(ROOT / ".venv", tree / ".venv")
        output = subprocess.run([str(tree / "scripts" / "train.sh")], cwd=tree, check=True, text=True,
                                stdout=subprocess.PIPE).stdout
        model = work / "baseline.tar.gz"
        (tree / output.strip().splitlines()[-1]).rename(model)
        yield model, tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)


def report(rows: list[Row]) -> str:
    def pct(scores: NearMissScores) -> str:
        return f"{scores.honest_rate:.3f} ({scores.honest}/{scores.total})"

    main = table(
        ["model", "near-miss honest (test)", "about another service (test)", "near-miss honest (dev)",
         "near-miss honest (dev 2)", "held-out accuracy", "held-out macro-F1", "xSID OOS recall"],
        [[row.name, pct(row.near_test), f"{row.near_test.wrong_service_rate:.3f} ({len(row.near_test.wrong_service)})",
          pct(row.near_dev), pct(row.near_dev2), f"{row.held_out.accuracy:.3f}", f"{row.held_out.macro_f1:.3f}",
          f"{row.oos_recall:.3f}"] for row in rows])
    honesty = table(
        ['model', '"no verified information" answers (test)', "of them about things the catalogue lacks",
         "unknown things answered honestly", "held-out intents the router made right / wrong"],
        [[row.name, str(row.near_test.said_unknown), f"{row.near_test.unknown_precision:.3f}",
          f"{row.near_test.unknown_recall:.3f} ({row.near_test.unknown_honest}/{row.near_test.unknown_items})",
          "-" if row.routed_right is None else f"{row.routed_right} / {row.routed_wrong}"] for row in rows])
    agencies = sorted(rows[0].near_test.per_agency)
    def share(row: Row, agency: str) -> str:
        honest, total = row.near_test.per_agency.get(agency, [0, 0])
        return f"{honest}/{total}"

    per_agency = table(["model", *agencies], [[row.name, *(share(row, a) for a in agencies)] for row in rows])
    return (f"{machine()}\n\n{main}\n\nThe honest \"I don't know\" (precision and recall, TEST half) and what "
            f"the router does to the held-out set:\n\n{honesty}\n\n"
            f"Near-miss TEST half, honest answers per agency:\n\n{per_agency}\n")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="also measure the model of this git commit (before the catalogue)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-services-") as scratch:
        work = Path(scratch)
        rows = await measure(trained_model(), work / "this", ("this model (router)", "same model, router off"))
        if args.baseline:
            with baseline_model(args.baseline, work) as (model, tree):
                rows += await measure(model, work / "base", (f"baseline {args.baseline}",), code=tree)
    text = report(rows)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "service_answers.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
