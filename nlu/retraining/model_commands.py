"""``mpp-nlu validate | train | evaluate | promote | rollback``: from merged data to the live model."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from nlu.retraining.cross_validation import (
    BaselineUnavailable,
    FeatureFunction,
    classifier_settings,
    cross_validate,
    examples_at,
)
from nlu.retraining.evaluation import Comparison, write_report
from nlu.retraining.paths import DATA_DIR, HELD_OUT, LEXICON, MODELS_DIR, PROJECT, REPORTS_DIR
from nlu.retraining.prediction import predict_intents
from nlu.retraining.promotion import Gate, ModelRegistry, Verdict, judge, promote, rollback
from nlu.retraining.scores import load_examples
from nlu.retraining.training import TrainingData, TrainingFailed, train_candidate, validate

DEFAULT_RASA_URL = "http://127.0.0.1:5005"


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def run_validate(_args: argparse.Namespace) -> int:
    try:
        validate(TrainingData())
    except TrainingFailed as problem:
        _say(str(problem))
        return 1
    _say("training data valid")
    return 0


def run_train(args: argparse.Namespace) -> int:
    registry = ModelRegistry(MODELS_DIR)
    try:
        validate(TrainingData())
        _say("training a candidate model (a few minutes) ...")
        candidate = train_candidate(TrainingData(), args.out, registry.current() if args.finetune else None)
    except TrainingFailed as problem:
        _say(str(problem))
        if args.finetune:
            _say("(fine-tuning is refused when intents or entities were added: train without --finetune)")
        return 1
    print(candidate)
    return 0


def _compare(args: argparse.Namespace) -> tuple[Comparison, Verdict]:
    current = args.current or ModelRegistry(MODELS_DIR).current()
    if current is None:
        raise SystemExit("no current model: train one (make train) or pass --current")
    examples = load_examples(args.test or [HELD_OUT])
    texts = [text for text, _ in examples]
    _say(f"predicting {len(texts)} held-out examples with {current.name} and {args.candidate.name} ...")
    comparison = Comparison(examples, predict_intents(current, texts), predict_intents(args.candidate, texts))
    gate = Gate(overall_tolerance=args.tolerance, intent_tolerance=args.intent_tolerance,
                min_support=args.min_support)
    return comparison, judge(comparison, gate)


def _summary(comparison: Comparison) -> str:
    now, then = comparison.current_scores, comparison.candidate_scores
    return (f"accuracy {now.accuracy:.3f} -> {then.accuracy:.3f}, macro-F1 {now.macro_f1:.3f} -> "
            f"{then.macro_f1:.3f}, newly right {len(comparison.newly_right())}, "
            f"newly wrong {len(comparison.newly_wrong())}")


def _report(args: argparse.Namespace, comparison: Comparison, verdict: Verdict) -> Path:
    out = args.out or REPORTS_DIR / time.strftime("%Y%m%d-%H%M%S")
    path = write_report(comparison, out, args.format, str(verdict))
    _say(_summary(comparison))
    _say(f"gate: {verdict}")
    print(path)
    return out


def _cross_validation_report(args: argparse.Namespace, out: Path) -> None:
    """The data of today against the data at ``--baseline`` (informative: the gate is the held-out set)."""
    try:
        current = examples_at(PROJECT, DATA_DIR, args.baseline)
    except BaselineUnavailable as problem:
        _say(f"no cross-validation: {problem}")
        return
    candidate = load_examples([DATA_DIR])
    _say(f"{args.cross_validation}-fold cross-validation of the intent classifier: {len(candidate)} examples "
         f"now, {len(current)} at {args.baseline} ...")
    comparison = cross_validate(current, candidate, FeatureFunction(DATA_DIR, LEXICON),
                                classifier_settings(PROJECT / "config.yml"), folds=args.cross_validation)
    path = write_report(comparison, out / "cross-validation", args.format,
                        f"information only: data at {args.baseline} (current) vs data now (candidate)",
                        examples="Training examples (out of fold)")
    _say(f"cross-validation: {_summary(comparison)}")
    print(path)


def run_evaluate(args: argparse.Namespace) -> int:
    comparison, verdict = _compare(args)
    out = _report(args, comparison, verdict)
    if args.cross_validation:
        _cross_validation_report(args, out)
    return 0 if verdict.passed else 1


def run_promote(args: argparse.Namespace) -> int:
    comparison, verdict = _compare(args)
    _report(args, comparison, verdict)
    if not verdict.passed:
        _say("not promoted: the candidate does not pass the gate")
        return 1
    asyncio.run(promote(ModelRegistry(MODELS_DIR), args.candidate, None if args.no_reload else args.rasa_url))
    _say(f"promoted {args.candidate.name}" + ("" if args.no_reload else f" and loaded into {args.rasa_url}"))
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    try:
        previous = asyncio.run(rollback(ModelRegistry(MODELS_DIR), None if args.no_reload else args.rasa_url))
    except RuntimeError as problem:
        _say(str(problem))
        return 1
    _say(f"rolled back to {previous.name}")
    return 0


def _gate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--candidate", type=Path, required=True, help="the candidate model (.tar.gz)")
    parser.add_argument("--current", type=Path, help="compare with this model (default: the live one)")
    parser.add_argument("--test", type=Path, action="append",
                        help="held-out test set (Rasa NLU YAML); repeat to add sets (default tests/nlu/test_nlu.yml)")
    parser.add_argument("--format", choices=("md", "html"), default="md")
    parser.add_argument("--out", type=Path, help="report folder (default var/nlu-reports/<time>)")
    parser.add_argument("--tolerance", type=float, default=0.0, help="allowed drop of accuracy and macro-F1")
    parser.add_argument("--intent-tolerance", type=float, default=0.05, help="allowed drop of one intent's F1")
    parser.add_argument("--min-support", type=int, default=5, help="intents with fewer examples do not block")


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rasa-url", default=DEFAULT_RASA_URL, help="the running Rasa server (PUT /model)")
    parser.add_argument("--no-reload", action="store_true", help="only record it; do not touch a server")


def add_model_commands(subcommands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    subcommands.add_parser("validate", help="rasa data validate --fail-on-warnings").set_defaults(handler=run_validate)
    train = subcommands.add_parser("train", help="validate, then train a candidate model")
    train.add_argument("--out", type=Path, default=MODELS_DIR / "candidates")
    train.add_argument("--finetune", action="store_true", help="continue the live model (no new intents)")
    train.set_defaults(handler=run_train)
    evaluate = subcommands.add_parser("evaluate", help="candidate vs live model on the held-out set")
    _gate_arguments(evaluate)
    evaluate.add_argument("--cross-validation", type=int, metavar="K",
                          help="also K-fold cross-validation of the intent classifier: the training data now "
                               "against the data at --baseline")
    evaluate.add_argument("--baseline", default="HEAD", help="git commit of the data to compare with (default HEAD)")
    evaluate.set_defaults(handler=run_evaluate)
    promote_parser = subcommands.add_parser("promote", help="evaluate; if the gate passes, make it live")
    _gate_arguments(promote_parser)
    _server_arguments(promote_parser)
    promote_parser.set_defaults(handler=run_promote)
    back = subcommands.add_parser("rollback", help="make the model the last promotion replaced live again")
    _server_arguments(back)
    back.set_defaults(handler=run_rollback)
