"""The gate, and promoting or rolling back a model in the running Rasa server.

``models/promotion.json`` remembers which model is live and which one it replaced, so that a
rollback is one command; the previous model file is never deleted by a promotion.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from nlu.retraining.evaluation import Comparison

STATE_FILE = "promotion.json"


@dataclass(frozen=True)
class Gate:
    """No drop beyond ``overall_tolerance`` in accuracy or macro-F1, nor beyond ``intent_tolerance``
    in the F1 of any intent with at least ``min_support`` held-out examples."""

    overall_tolerance: float = 0.0
    intent_tolerance: float = 0.05
    min_support: int = 5


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "passed" if self.passed else "refused: " + "; ".join(self.reasons)


def judge(comparison: Comparison, gate: Gate) -> Verdict:
    current, candidate = comparison.current_scores, comparison.candidate_scores
    reasons = []
    if candidate.accuracy < current.accuracy - gate.overall_tolerance:
        reasons.append(f"accuracy {current.accuracy:.3f} -> {candidate.accuracy:.3f}")
    if candidate.macro_f1 < current.macro_f1 - gate.overall_tolerance:
        reasons.append(f"macro-F1 {current.macro_f1:.3f} -> {candidate.macro_f1:.3f}")
    reasons += [f"{d.intent} F1 {d.current_f1:.3f} -> {d.candidate_f1:.3f} ({d.support} examples)"
                for d in comparison.intent_deltas()
                if d.support >= gate.min_support and d.change < -gate.intent_tolerance]
    return Verdict(not reasons, reasons)


@dataclass
class ModelRegistry:
    """Which model is live (``current``) and which it replaced (``previous``)."""

    models_dir: Path

    @property
    def state_path(self) -> Path:
        return self.models_dir / STATE_FILE

    def state(self) -> dict[str, Any]:
        if self.state_path.exists():
            return dict(json.loads(self.state_path.read_text(encoding="utf-8")))
        return {"current": None, "previous": None, "history": []}

    def current(self) -> Path | None:
        """The live model: the promoted one, else the newest trained by `make train`."""
        live = self.state().get("current")
        if live and Path(live).exists():
            return Path(live)
        trained = sorted(self.models_dir.glob("mpp-*.tar.gz"), key=lambda path: path.stat().st_mtime)
        return trained[-1] if trained else None

    def record(self, current: Path, previous: Path | None, action: str) -> None:
        state = self.state()
        state["history"] = [*state.get("history", []), {"action": action, "model": str(current),
                                                         "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}]
        state["current"], state["previous"] = str(current), str(previous) if previous else None
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.state_path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


async def hot_load(rasa_url: str, model: Path, token: str | None = None, timeout_s: float = 300.0) -> None:
    """``PUT /model``: the running server swaps models between turns; conversations stay."""
    params = {"token": token} if token else None
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        async with http.put(f"{rasa_url.rstrip('/')}/model", json={"model_file": str(model.resolve())},
                            params=params) as answer:
            if answer.status != 204:
                raise RuntimeError(f"Rasa refused the model ({answer.status}): {await answer.text()}")
        async with http.get(f"{rasa_url.rstrip('/')}/status", params=params) as answer:
            status = await answer.json()
    if Path(str(status.get("model_file", ""))).name != model.name:
        raise RuntimeError(f"Rasa reports {status.get('model_file')!r} after loading {model.name}")


async def promote(registry: ModelRegistry, candidate: Path, rasa_url: str | None) -> None:
    """Make ``candidate`` the live model (hot-loaded when a server URL is given)."""
    previous = registry.current()
    if rasa_url:
        await hot_load(rasa_url, candidate)
    registry.record(candidate, previous, "promote")


async def rollback(registry: ModelRegistry, rasa_url: str | None) -> Path:
    """Go back to the model the last promotion replaced."""
    state = registry.state()
    previous = Path(state["previous"]) if state.get("previous") else None
    if previous is None or not previous.exists():
        raise RuntimeError("no previous model to roll back to")
    current = registry.current()
    if rasa_url:
        await hot_load(rasa_url, previous)
    registry.record(previous, current, "rollback")
    return previous
