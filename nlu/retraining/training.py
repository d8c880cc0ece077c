"""Validate the training data and train a candidate model (Rasa's own commands, run as they are)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from nlu.retraining.paths import PROJECT
from storage.paths import ROOT

RASA = str(Path(sys.executable).with_name("rasa"))


@dataclass(frozen=True)
class TrainingData:
    """Where the project's training data and configuration live (a copy in tests)."""

    root: Path = PROJECT

    def command(self, *args: str) -> list[str]:
        return [RASA, *args, "--config", str(self.root / "config.yml"), "--domain", str(self.root / "domain"),
                "--data", str(self.root / "data")]


class TrainingFailed(RuntimeError):
    """Rasa refused the data or could not train; the message has its last output lines."""


def _run(command: list[str]) -> str:
    """Run Rasa from the code checkout: config.yml names our components (``nlu.…``) and the slang
    lexicon relative to it, whichever project copy the data comes from."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        tail = "\n".join(output.splitlines()[-25:])
        raise TrainingFailed(f"{' '.join(command[1:3])} failed (exit {done.returncode}):\n{tail}")
    return output


def validate(data: TrainingData) -> str:
    """``rasa data validate --fail-on-warnings``: a new intent without a response or rule is caught here."""
    return _run([*data.command("data", "validate"), "--fail-on-warnings"])


def train_candidate(data: TrainingData, out_dir: Path, finetune_from: Path | None = None) -> Path:
    """Train ``out_dir/candidate-<time>.tar.gz``.

    ``finetune_from`` continues training the given model for a few epochs instead of from
    scratch; Rasa refuses that when intents or entities were added (rasa#10246), so callers
    pass it only for new examples of existing intents.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"candidate-{time.strftime('%Y%m%d-%H%M%S')}"
    command = [*data.command("train"), "--out", str(out_dir), "--fixed-model-name", name, "--quiet"]
    if finetune_from is not None:
        command += ["--finetune", str(finetune_from)]
    _run(command)
    model = out_dir / f"{name}.tar.gz"
    if not model.exists():
        raise TrainingFailed(f"rasa train reported success but {model} is missing")
    return model
