"""What a trained model predicts for texts, in this process (no server needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path


def predict_intents(model: Path, texts: Sequence[str]) -> list[str]:
    """The intent the model gives each text (loading the model takes a few seconds)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> list[str]:
        return [str((await agent.parse_message(text))["intent"]["name"]) for text in texts]
    return asyncio.run(parse_all())
