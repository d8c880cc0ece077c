"""`make bench`: this project's config against Rasa's default config and a TF-IDF baseline.

In one run, on the same data:
  (a) config.yml, (b) Rasa's default config as `rasa init` writes it (pipeline
  and policies left to Rasa), (c) TF-IDF word n-grams + logistic regression
  on the raw text. For each: intent accuracy and macro-F1 on the held-out set
  (tests/nlu), the five weakest intents, out-of-scope recall on the xSID test
  split. For (a) and (b): training time, REST turn latency and throughput
  with 1 and 10 concurrent conversations, the p50 of turns 1-20 against
  220-240 of one long conversation, and the Rasa server's memory.
Tables go to stdout and to bench-results/nlu_and_turns.md.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from benchmarks import rest_turns
from benchmarks.process_stats import rss_mb
from benchmarks.tables import table
from nlu.retraining.scores import Scores, load_examples, out_of_scope_recall, read_xsid_test, score
from test_support.action_server import ActionServer
from test_support.backoffice import BackOffice
from test_support.paths import ROOT
from test_support.rasa_server import RasaServer

XSID_TEST = ROOT / "tests" / "nlu" / "xsid" / "id.test.intent.tsv"
HELD_OUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
RESULTS = ROOT / "bench-results"
RASA_INIT_CONFIG = """recipe: default.v1
assistant_id: rasa-init-default
language: id
pipeline:
policies:
"""


@dataclass
class Contender:
    """One configuration under test and what was measured for it."""

    name: str
    slug: str
    config: Path | None
    train_s: float = 0.0
    scores: Scores | None = None
    oos_recall: float = 0.0
    single: rest_turns.TurnStats | None = None
    concurrent: rest_turns.TurnStats | None = None
    booking_single: rest_turns.TurnStats | None = None
    booking_concurrent: rest_turns.TurnStats | None = None
    long_first_ms: float = 0.0
    long_last_ms: float = 0.0
    rss_mb: float = 0.0


def train(config: Path, out: Path, name: str) -> tuple[Path, float]:
    """Train a Rasa model with ``config`` and return its path and the wall time."""
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "train", "--config", str(config), "--domain", "domain",
         "--data", "data", "--out", str(out), "--fixed-model-name", name, "--quiet"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    return out / f"{name}.tar.gz", time.perf_counter() - started


async def predict(server: RasaServer, texts: list[str]) -> list[str]:
    """Intent names the running server predicts for ``texts``."""
    return [(await server.parse(text))["intent"]["name"] for text in texts]


async def measure_rasa(contender: Contender, work: Path, held_out: list[tuple[str, str]], xsid: list[str],
                       rounds: int, action_url: str) -> None:
    """Train, start, evaluate and load-test one Rasa configuration (with the action server, as in `make run`)."""
    assert contender.config is not None
    model, contender.train_s = train(contender.config, work / "models", contender.slug)
    server = RasaServer(model, work / contender.slug, action_url=action_url).start()
    try:
        assert server.process is not None
        predicted = await predict(server, [text for text, _ in held_out])
        contender.scores = score([intent for _, intent in held_out], predicted)
        contender.oos_recall = out_of_scope_recall(await predict(server, xsid)) if xsid else float("nan")
        contender.single = await rest_turns.short_conversations(server.url, concurrent=1, rounds=rounds * 2)
        contender.concurrent = await rest_turns.short_conversations(server.url, concurrent=10, rounds=rounds)
        booking = rest_turns.BOOKING_CONVERSATION
        contender.booking_single = await rest_turns.short_conversations(server.url, 1, rounds * 2, booking)
        contender.booking_concurrent = await rest_turns.short_conversations(server.url, 10, rounds, booking)
        latencies = await rest_turns.long_conversation(server.url, 240)
        contender.long_first_ms = rest_turns.median_ms(latencies[:20])
        contender.long_last_ms = rest_turns.median_ms(latencies[219:240])
        contender.rss_mb = rss_mb(server.process.pid)
    finally:
        server.stop()


def measure_tfidf(contender: Contender, training: list[tuple[str, str]], held_out: list[tuple[str, str]],
                  xsid: list[str]) -> None:
    """Train and evaluate the TF-IDF + logistic regression baseline on the raw text."""
    started = time.perf_counter()
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                          LogisticRegression(max_iter=2000, C=10.0))
    model.fit([text for text, _ in training], [intent for _, intent in training])
    contender.train_s = time.perf_counter() - started
    contender.scores = score([intent for _, intent in held_out], list(model.predict([t for t, _ in held_out])))
    contender.oos_recall = out_of_scope_recall(list(model.predict(xsid))) if xsid else float("nan")


def report(contenders: list[Contender], held_out_size: int) -> str:
    """Return the result tables."""
    def fmt(value: float, digits: int = 3) -> str:
        return f"{value:.{digits}f}"

    nlu_rows = []
    for c in contenders:
        assert c.scores is not None
        weakest = ", ".join(f"{name} {f1:.2f}" for name, f1 in c.scores.weakest)
        nlu_rows.append([c.name, fmt(c.scores.accuracy), fmt(c.scores.macro_f1), c.scores.errors,
                         fmt(c.oos_recall), fmt(c.train_s, 1), weakest])
    parts = [
        f"Held-out set: {held_out_size} examples (tests/nlu/test_nlu.yml); xSID test: 500 utterances.\n",
        table(["config", "accuracy", "macro-F1", "errors", "xSID OOS recall", "train s", "five weakest intents (F1)"],
              nlu_rows),
        "",
    ]
    turn_rows = []
    for c in contenders:
        if c.single and c.concurrent:
            turn_rows.append([
                c.name, fmt(c.single.p50_ms, 1), fmt(c.single.p95_ms, 1), fmt(c.single.turns_per_s, 1),
                fmt(c.concurrent.p50_ms, 1), fmt(c.concurrent.p95_ms, 1), fmt(c.concurrent.turns_per_s, 1),
                fmt(c.long_first_ms, 1), fmt(c.long_last_ms, 1), fmt(c.long_last_ms / c.long_first_ms, 2),
                fmt(c.rss_mb, 0),
            ])
    parts.append(table(
        ["config", "1 conv p50 ms", "p95 ms", "turns/s", "10 conv p50 ms", "p95 ms", "turns/s",
         "long: turns 1-20 p50 ms", "turns 220-240 p50 ms", "ratio", "Rasa RSS MB"],
        turn_rows,
    ))
    booking_rows = [[c.name, *(fmt(value, 1) for stats in (c.booking_single, c.booking_concurrent)
                               for value in (stats.p50_ms, stats.p95_ms, stats.turns_per_s))]
                    for c in contenders if c.booking_single and c.booking_concurrent]
    parts += ["", "Booking conversation (forms; the action server asks the back office on most turns):\n",
              table(["config", "1 conv p50 ms", "p95 ms", "turns/s", "10 conv p50 ms", "p95 ms", "turns/s"],
                    booking_rows)]
    return "\n".join(parts)


async def main() -> None:
    parser = argparse.ArgumentParser(description="NLU quality and REST turn speed, three configs in one run.")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of 10 concurrent conversations")
    parser.add_argument("--skip-default", action="store_true", help="leave out Rasa's default config (slow)")
    args = parser.parse_args()

    held_out = load_examples([HELD_OUT])
    training = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    if XSID_TEST.exists():
        xsid = read_xsid_test(XSID_TEST)
    else:
        print(f"xSID test split not found at {XSID_TEST}: out-of-scope recall is not measured", file=sys.stderr)
        xsid = []
    work = RESULTS / "work"
    work.mkdir(parents=True, exist_ok=True)
    default_config = work / "config.rasa-init.yml"
    default_config.write_text(RASA_INIT_CONFIG)

    contenders = [Contender("(a) this project", "project", ROOT / "config.yml")]
    if not args.skip_default:
        contenders.append(Contender("(b) Rasa default", "rasa-default", default_config))
    (work / "backoffice.db").unlink(missing_ok=True)
    office = BackOffice(f"sqlite:///{work / 'backoffice.db'}", work / "backoffice").start()
    actions = ActionServer(office.url, work / "actions").start()
    try:
        for contender in contenders:
            print(f"measuring {contender.name} ...", file=sys.stderr, flush=True)
            await measure_rasa(contender, work, held_out, xsid, args.rounds, actions.webhook)
    finally:
        actions.stop()
        office.stop()
    baseline = Contender("(c) TF-IDF + LogReg", "tfidf", None)
    measure_tfidf(baseline, training, held_out, xsid)
    contenders.append(baseline)

    text = report(contenders, len(held_out))
    print(text)
    (RESULTS / "nlu_and_turns.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
