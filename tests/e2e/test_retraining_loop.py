"""The maintainers' retraining loop end to end, on the real stack and a copy of the project.

Citizens write death reported in euphemisms on Telegram (test_support/seeded_retraining.py); the
real gateway stores what the live Rasa made of them. A supervisor labels in the console's NLU
inbox page; a maintainer runs ``mpp-nlu`` inbox → annotate (from a file) → merge → train →
evaluate → promote into the running Rasa, whose answers change; a regressing candidate is refused.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect
from ruamel.yaml import YAML

from nlu.retraining.text import comparable
from test_support.action_server import ActionServer
from test_support.browser import launch_chromium, log_in, new_page
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import Gateway
from test_support.paths import ROOT
from test_support.rasa_server import RasaServer
from test_support.seeded_retraining import (
    CITIZEN_MESSAGES,
    CONFUSED_INTENT,
    DEATH_ANSWER,
    HELD_OUT,
    NOISE_MESSAGES,
    LoopRun,
    copy_project,
    evaluation_sets,
    labels_csv,
    scores_of,
    tell,
)
from test_support.telegram_chat import TelegramCitizen

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]

PASSWORD = "kata-sandi-nlu-uji-1"


@dataclass
class Seeded:
    """The stack of the loop after citizens wrote: its own Rasa (models are swapped) and gateway."""

    root: Path
    project: Path
    live_model: Path
    rasa: RasaServer
    gateway: Gateway
    telegram_api: InThread[FakeTelegramApi]
    first_replies: list[str]

    def citizens(self, count: int) -> list[TelegramCitizen]:
        return [TelegramCitizen(self.gateway, self.telegram_api) for _ in range(count)]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(model: Path, action_server: ActionServer, telegram_api: InThread[FakeTelegramApi],
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Seeded]:
    root = tmp_path_factory.mktemp("retraining_loop")
    project = root / "project"
    live_model = copy_project(project, model)
    rasa = RasaServer(live_model, root / "rasa", action_url=action_server.webhook).start()
    gateway = Gateway(rasa.url, root / "gateway", telegram_api_url=telegram_api.server.base_url,
                      extra_env={"GATEWAY_OFFICE": "always-open", "MPP_NLU_PROJECT": str(project),
                                 "MPP_NLU_WORK_DIR": str(root / "console-work")}).start()
    try:
        stack = Seeded(root, project, live_model, rasa, gateway, telegram_api, [])
        messages = CITIZEN_MESSAGES + NOISE_MESSAGES
        stack.first_replies = await tell(stack.citizens(len(messages)), messages)
        yield stack
    finally:
        gateway.stop()
        rasa.stop()


async def live_model_name(rasa: RasaServer) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{rasa.url}/status") as answer:
        return Path(str((await answer.json())["model_file"])).name


def distinct(texts: tuple[str, ...]) -> list[str]:
    return list({comparable(text): text for text in texts}.values())


async def test_a_supervisor_labels_a_group_in_the_console(seeded: Seeded) -> None:
    """Runs first (file order): the loop test below merges the seeded texts, which then leave the inbox."""
    suffix = uuid.uuid4().hex[:5]
    seeded.gateway.create_agent(f"spv{suffix}", PASSWORD, role="supervisor", name=f"Supervisor {suffix}")
    seeded.gateway.create_agent(f"agen{suffix}", PASSWORD)
    async with launch_chromium() as browser:
        await _label_in_the_page(browser, seeded, f"spv{suffix}")
        agent = await new_page(browser)
        await log_in(agent, seeded.gateway.url, f"agen{suffix}", PASSWORD)
        await expect(agent.get_by_test_id("nlu-link")).to_be_hidden()
        await agent.goto(f"{seeded.gateway.url}/console/nlu")  # an agent is sent back to the console
        await expect(agent).to_have_url(f"{seeded.gateway.url}/console")
        refused = await agent.request.get(f"{seeded.gateway.url}/console/api/nlu/inbox")
        assert refused.status == 403


async def _label_in_the_page(browser: Browser, seeded: Seeded, supervisor: str) -> None:
    page = await new_page(browser)
    await log_in(page, seeded.gateway.url, supervisor, PASSWORD)
    await page.get_by_test_id("nlu-link").click()
    await expect(page).to_have_url(f"{seeded.gateway.url}/console/nlu")
    await expect(page.get_by_test_id("nlu-status")).to_contain_text("kelompok menunggu label", timeout=30_000)
    groups = page.get_by_test_id("nlu-group")
    shown = await page.get_by_test_id("nlu-groups").inner_text()
    assert "berpulang" in shown and "081234567890" not in shown  # the phone number is masked
    # The largest group is the one with the repeated "bapak saya berpulang" message: 4 messages.
    first = groups.first
    await expect(first).to_contain_text("berpulang")
    await expect(first.get_by_test_id("nlu-meta")).to_contain_text("4 pesan")
    await first.get_by_test_id("nlu-label-select").select_option(f"intent:{CONFUSED_INTENT}")
    await first.get_by_test_id("nlu-label-save").click()
    await expect(first.get_by_test_id("nlu-saved")).to_have_text(f"Tersimpan: {CONFUSED_INTENT}")
    # A new intent with a bad name is refused with the reason; a good one is saved.
    film = groups.filter(has_text="film horor")
    await film.get_by_test_id("nlu-label-select").select_option("__new__")
    await film.get_by_test_id("nlu-new-intent").fill("Film Horor!")
    await film.get_by_test_id("nlu-label-save").click()
    await expect(page.get_by_test_id("nlu-error")).to_contain_text("Label tidak dapat dipakai")
    await film.get_by_test_id("nlu-label-select").select_option("discard")
    await film.get_by_test_id("nlu-label-save").click()
    await expect(film.get_by_test_id("nlu-saved")).to_have_text("Tersimpan: dibuang")
    # What was saved is the shared working file mpp-nlu merges, with every text of the group.
    stored = YAML(typ="safe").load((seeded.root / "console-work" / "labels.yml").read_text(encoding="utf-8"))
    by_label = {item["label"]: item for item in stored["labels"]}
    assert set(by_label) == {f"intent:{CONFUSED_INTENT}", "discard"}
    assert any("sy berpulang" in text for text in by_label[f"intent:{CONFUSED_INTENT}"]["texts"])
    # Labelled groups leave the inbox; the labels are listed below it.
    await page.get_by_test_id("nlu-reload").click()
    await expect(page.get_by_test_id("nlu-label")).to_have_count(2)
    await expect(page.get_by_test_id("nlu-groups")).not_to_contain_text("film horor")


async def test_the_loop_teaches_the_live_assistant_what_it_confused(seeded: Seeded) -> None:
    confused = [reply for reply in seeded.first_replies[:len(CITIZEN_MESSAGES)] if not reply.startswith(DEATH_ANSWER)]
    assert len(confused) >= len(CITIZEN_MESSAGES) - 2, "the seeded case must be one the live model gets wrong"
    loop = LoopRun(seeded.project, seeded.gateway.database_url, seeded.root / "maintainer-work")

    # inbox: found, masked, exact duplicates collapsed, similar texts grouped
    loop.run("inbox", "--format", "yaml", "--out", str(loop.work / "inbox.yml"))
    groups: list[dict[str, Any]] = YAML(typ="safe").load((loop.work / "inbox.yml").read_text("utf-8"))["groups"]
    listed = {comparable(str(item["text"])): item for group in groups for item in group["texts"]}
    assert {comparable(text) for text in CITIZEN_MESSAGES} <= set(listed)
    assert listed[comparable(CITIZEN_MESSAGES[0])]["count"] == 3
    seeded_groups = [group for group in groups if any("berpulang" in str(item["text"]) or "tiada" in str(item["text"])
                                                      for item in group["texts"])]
    assert len(seeded_groups) < len([text for group in seeded_groups for text in group["texts"]])
    assert "081234567890" not in (loop.work / "inbox.yml").read_text("utf-8")

    # labels from a file, then merge: an ordinary diff of data/nlu that only adds lines
    (loop.work / "labels.csv").write_text(labels_csv(groups), encoding="utf-8")
    loop.run("annotate", "--file", str(loop.work / "labels.csv"))
    loop.run("merge")
    before = (ROOT / "data" / "nlu" / "adminduk.yml").read_text("utf-8").splitlines()
    after = (seeded.project / "data" / "nlu" / "adminduk.yml").read_text("utf-8").splitlines()
    changes = [line for line in difflib.ndiff(before, after) if line[:2] in ("- ", "+ ")]
    assert changes and all(line.startswith("+ ") for line in changes)
    assert {comparable(line[4:]) for line in changes} == {comparable(text) for text in CITIZEN_MESSAGES}

    # train a candidate; the report shows the gain on the held-out set plus the held-out euphemisms
    candidate = loop.last_line(loop.run("train"))
    tests = evaluation_sets(seeded.project, loop.work)
    evaluated = loop.run("evaluate", "--candidate", str(candidate), *tests, "--out", str(loop.work / "report"),
                         "--cross-validation", "3")
    scores = scores_of(evaluated.stderr)
    assert scores.accuracy_after > scores.accuracy_before and scores.newly_right >= len(HELD_OUT) // 2
    report = (loop.work / "report" / "report.md").read_text("utf-8")
    assert re.search(rf"\|\s*{CONFUSED_INTENT}\s*\|[^\n]*\+0\.\d+", report), report
    # cross-validation over the training data: the merged examples, out of fold, are now understood
    cross_validated = scores_of(evaluated.stderr.split("cross-validation: ")[-1])
    assert cross_validated.newly_right > cross_validated.newly_wrong
    report = (loop.work / "report" / "cross-validation" / "report.md").read_text("utf-8")
    assert re.search(rf"\|\s*{CONFUSED_INTENT}\s*\|[^\n]*\+0\.\d+", report), report

    # promote: the gate passes, the running server loads it; the same messages are now understood
    loop.run("promote", "--candidate", str(candidate), *tests, "--rasa-url", seeded.rasa.url)
    assert await live_model_name(seeded.rasa) == candidate.name
    texts = distinct(CITIZEN_MESSAGES)
    replies = await tell(seeded.citizens(len(texts)), texts)
    assert [text for text, reply in zip(texts, replies) if not reply.startswith(DEATH_ANSWER)] == []

    # a candidate that regresses (the old model, against the new live one) is refused; nothing changes
    refused = loop.run("promote", "--candidate", str(seeded.live_model), *tests, "--rasa-url", seeded.rasa.url,
                       expect=1)
    assert "not promoted" in refused.stderr and f"{CONFUSED_INTENT} F1" in refused.stderr
    assert await live_model_name(seeded.rasa) == candidate.name
