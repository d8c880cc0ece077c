"""The gateway's own answers, read from bot/replies.yml (operators edit the wording there)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.messages import Channel

REPLIES_FILE = Path(__file__).resolve().parent / "replies.yml"


@dataclass(frozen=True)
class Replies:
    texts: dict[str, str]
    media_names: dict[str, str]
    channel_names: dict[str, str]

    @classmethod
    def load(cls, path: Path = REPLIES_FILE) -> Replies:
        data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        media = dict(data.pop("media_names"))
        channels = dict(data.pop("channel_names"))
        return cls(texts={key: str(value).strip() for key, value in data.items()}, media_names=media,
                   channel_names=channels)

    def say(self, key: str, **values: str) -> str:
        return self.texts[key].format(**values)

    def media(self, kind: str | None) -> str:
        return self.media_names.get(kind or "other", self.media_names["other"])

    def channel(self, channel: Channel) -> str:
        return self.channel_names[channel.value]
