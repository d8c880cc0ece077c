"""``mpp-nlu``: the maintainers' retraining loop on the command line.

Data goes to stdout (the inbox listing, the merge diff), messages to stderr; progress bars show on
a terminal only. Exit codes: 0 done, 1 refused (conflicts, invalid labels, no database), 2 usage.

``inbox``, ``annotate`` and ``merge`` live here; ``validate``, ``train``, ``evaluate``,
``promote`` and ``rollback`` in :mod:`nlu.retraining.model_commands`. Each subcommand sets
``handler``, a function of the parsed arguments returning the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from nlu.retraining.grouping import DEFAULT_SIMILARITY
from nlu.retraining.inbox import inbox_from_database
from nlu.retraining.inbox_output import FORMATS, load_snapshot, render, save_snapshot
from nlu.retraining.labels import (
    LabelError,
    label_for_group,
    label_for_text,
    load_labels,
    new_intents,
    read_label_file,
    save_labels,
)
from nlu.retraining.merge import MergeError, apply_merge, conflict_report, display_path, plan_merge
from nlu.retraining.model_commands import add_model_commands
from nlu.retraining.paths import (
    DATA_DIR,
    DOMAIN_DIR,
    INBOX_SNAPSHOT,
    LABELS_FILE,
    NEW_INTENTS_FILE,
    default_database_url,
)
from nlu.retraining.progress import terminal_progress
from nlu.retraining.training_data import domain_intents
from nlu.retraining.transcripts import DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_HANDOFF_WINDOW


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def database_url(value: str) -> str:
    """A SQLAlchemy URL, or a path to a SQLite file."""
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL that does not exist (opening it would create an empty database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        return None if path.exists() else path
    return None


def run_inbox(args: argparse.Namespace) -> int:
    missing = _missing_sqlite_file(args.db)
    if missing:
        _say(f"no transcript database at {missing} (start the gateway, or pass --db / GATEWAY_DATABASE_URL)")
        return 1
    try:
        labelled = [text for label in load_labels(args.labels) for text in label.texts]
    except LabelError as error:
        _say(f"{args.labels}:\n{error}")
        return 1
    try:
        groups = inbox_from_database(args.db, args.data, threshold=args.threshold, similarity=args.similarity,
                                     handoff_window=args.handoff_window, since=args.since, labelled_texts=labelled,
                                     progress=terminal_progress)
    except SQLAlchemyError as error:  # unreachable server, no gateway schema: one line, never the password
        _say(f"cannot read the transcripts at {make_url(args.db)!r}: {error.__class__.__name__}: "
             f"{str(getattr(error, 'orig', None) or error).splitlines()[0]}")
        return 1
    save_snapshot(args.snapshot, groups)
    shown = groups[: args.limit] if args.limit else groups
    listing = render(shown, args.format)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(listing, encoding="utf-8")
    else:
        sys.stdout.write(listing)
    messages = sum(group.count for group in groups)
    _say(f"{len(groups)} group(s), {messages} message(s)"
         + (f", {len(shown)} shown" if len(shown) < len(groups) else "")
         + (f"; written to {args.out}" if args.out else ""))
    return 0


def run_annotate(args: argparse.Namespace) -> int:
    try:
        groups = load_snapshot(args.inbox)
        if args.file:
            labels = read_label_file(args.file, groups)
        elif args.group:
            labels = [label_for_group(args.group, args.label, groups)]
        else:
            labels = [label_for_text(args.text, args.label)]
        save_labels(args.labels, labels)
    except LabelError as error:
        _say(f"no label saved:\n{error}")
        return 1
    _say(f"{len(labels)} label(s) saved to {args.labels}")
    unknown = new_intents(labels, domain_intents(args.domain))
    if unknown:
        _say(f"new intent(s), not in the domain yet: {', '.join(unknown)} "
             f"(merge puts their examples in {NEW_INTENTS_FILE}; the domain must declare them)")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    try:
        labels = load_labels(args.labels)
        plan = plan_merge(labels, args.data, domain_intents(args.domain), progress=terminal_progress)
    except (LabelError, MergeError) as error:
        _say(f"nothing merged:\n{error}")
        return 1
    if args.dry_run:
        sys.stdout.write(plan.diff())
    else:
        apply_merge(plan)
    verb = "would add" if args.dry_run else "added"
    _say(f"{verb} {plan.added_count} example(s); {len(plan.skipped)} already in their intent")
    for path, intents in sorted(plan.added.items()):
        counts = ", ".join(f"{intent} +{len(texts)}" for intent, texts in intents.items())
        _say(f"  {display_path(path)}: {counts}")
    if plan.new_intents:
        _say(f"new intent(s), add them to the domain: {', '.join(plan.new_intents)}")
    if plan.masked_examples:
        _say("examples with masked personal data (replace with synthetic values before committing):")
        for text in plan.masked_examples:
            _say(f"  {text}")
    if plan.conflicts:
        _say(conflict_report(plan.conflicts).rstrip("\n"))
        return 1
    return 0


def _add_inbox(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("inbox", help="list groups of messages the assistant did not understand")
    parser.add_argument("--db", type=database_url, default=default_database_url(),
                        help="transcript database URL or SQLite file (default: GATEWAY_DATABASE_URL or "
                             "var/bot/gateway.db)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_CONFIDENCE_THRESHOLD,
                        help="confidence below which a message is a candidate (default %(default)s)")
    parser.add_argument("--similarity", type=float, default=DEFAULT_SIMILARITY,
                        help="cosine similarity that puts two texts in one group (default %(default)s)")
    parser.add_argument("--handoff-window", type=int, default=DEFAULT_HANDOFF_WINDOW,
                        help="citizen messages before a handoff that are candidates (default %(default)s)")
    parser.add_argument("--since", type=datetime.fromisoformat, help="only messages from this date (UTC, ISO)")
    parser.add_argument("--limit", type=int, help="show the largest N groups only")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--out", type=Path, help="write the listing to this file instead of stdout")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="training data folder")
    parser.add_argument("--labels", type=Path, default=LABELS_FILE, help="labels working file (labelled texts "
                                                                            "are not listed again)")
    parser.add_argument("--snapshot", type=Path, default=INBOX_SNAPSHOT,
                        help="where the listed inbox is kept for annotate (default %(default)s)")
    parser.set_defaults(handler=run_inbox)


def _add_annotate(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("annotate", help="label inbox groups: intent:<name> or discard")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, help="labels from CSV (group_id,label or text,label) or YAML")
    source.add_argument("--group", help="the id of one inbox group")
    source.add_argument("--text", help="one exact text")
    parser.add_argument("--label", help="intent:<name> or discard (with --group or --text)")
    parser.add_argument("--labels", type=Path, default=LABELS_FILE, help="labels working file")
    parser.add_argument("--inbox", type=Path, default=INBOX_SNAPSHOT, help="inbox snapshot for group ids")
    parser.add_argument("--domain", type=Path, default=DOMAIN_DIR, help="domain folder or file")
    parser.set_defaults(handler=run_annotate)


def _add_merge(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("merge", help="write labelled examples into the training data")
    parser.add_argument("--labels", type=Path, default=LABELS_FILE, help="labels working file")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="training data folder")
    parser.add_argument("--domain", type=Path, default=DOMAIN_DIR, help="domain folder or file")
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    parser.set_defaults(handler=run_merge)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpp-nlu", description="The maintainers' NLU retraining loop.")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="command")
    _add_inbox(subcommands)
    _add_annotate(subcommands)
    _add_merge(subcommands)
    add_model_commands(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "annotate" and not args.file and not args.label:
        parser.error("annotate: --label is required with --group or --text")
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
