"""The console's "NLU inbox" for supervisors: the groups of ``mpp-nlu inbox``, labelled in the browser.

The page and ``mpp-nlu`` share their working files (``MPP_NLU_WORK_DIR``, default
``var/nlu-inbox``): labels saved here are the ones ``mpp-nlu merge`` writes into data/nlu, and the
inbox listed here is the snapshot group ids are resolved against. The retraining modules pull in
scikit-learn, so they are imported when a supervisor first opens the page, not when the gateway
starts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.console.auth import ConsoleAuth, api_error
from bot.store.agents import ConsoleSession

if TYPE_CHECKING:
    from nlu.retraining.inbox import InboxGroup
    from nlu.retraining.labels import Label

STATIC = Path(__file__).resolve().parent / "static"


class NluInboxApi:
    """GET the inbox (unlabelled groups, the labels so far, the known intents); POST a label."""

    def __init__(self, auth: ConsoleAuth, database_url: str) -> None:
        self.auth = auth
        self.database_url = database_url
        self.groups: dict[str, InboxGroup] = {}  # the last listed inbox, by group id
        self.writing = asyncio.Lock()  # one read-modify-write of the labels file at a time

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/console/nlu", self.page)
        app.router.add_get("/console/api/nlu/inbox", self.auth.api(self.inbox, supervisor=True))
        app.router.add_post("/console/api/nlu/labels", self.auth.api(self.label, supervisor=True))

    async def page(self, request: web.Request) -> web.StreamResponse:
        session = await self.auth.session_of(request)
        if session is None:
            raise web.HTTPSeeOther("/console/login")
        if not session.agent.is_supervisor:
            raise web.HTTPSeeOther("/console")
        return web.FileResponse(STATIC / "nlu_inbox.html", headers={"Cache-Control": "no-cache"})

    def _list(self) -> dict[str, Any]:
        from nlu.retraining.inbox import inbox_from_database
        from nlu.retraining.inbox_output import group_to_dict, save_snapshot
        from nlu.retraining.labels import load_labels
        from nlu.retraining.paths import DATA_DIR, DOMAIN_DIR, INBOX_SNAPSHOT, LABELS_FILE
        from nlu.retraining.training_data import domain_intents

        labels = load_labels(LABELS_FILE)
        groups = inbox_from_database(self.database_url, DATA_DIR,
                                     labelled_texts=[text for label in labels for text in label.texts])
        save_snapshot(INBOX_SNAPSHOT, groups)  # what `mpp-nlu annotate --group` resolves ids against
        self.groups = {group.id: group for group in groups}
        return {"groups": [group_to_dict(group) for group in groups],
                "labels": [_label_json(label) for label in labels],
                "intents": sorted(domain_intents(DOMAIN_DIR))}

    async def inbox(self, _request: web.Request, _session: ConsoleSession) -> web.Response:
        async with self.writing:
            listed = await asyncio.to_thread(self._list)
        return web.json_response(listed)

    def _save(self, group_id: str, label: str) -> Label:
        from nlu.retraining.inbox_output import load_snapshot
        from nlu.retraining.labels import label_for_group, save_labels
        from nlu.retraining.paths import INBOX_SNAPSHOT, LABELS_FILE

        groups = self.groups if group_id in self.groups else load_snapshot(INBOX_SNAPSHOT)
        if group_id not in groups:
            raise KeyError(group_id)
        made = label_for_group(group_id, label, groups)
        save_labels(LABELS_FILE, [made])
        return made

    async def label(self, request: web.Request, _session: ConsoleSession) -> web.Response:
        from nlu.retraining.labels import LabelError

        try:
            body = await request.json()
            group_id, label = str(body["group_id"]).strip(), str(body["label"]).strip()
        except (ValueError, KeyError, TypeError):
            return api_error(400, "invalid", "Pilih kelompok dan label.")
        try:
            async with self.writing:
                made = await asyncio.to_thread(self._save, group_id, label)
        except KeyError:
            return api_error(409, "unknown_group", "Kelompok ini tidak ada lagi di kotak masuk. Muat ulang halaman.")
        except LabelError as error:
            return api_error(400, "invalid_label", "Label tidak dapat dipakai: " + "; ".join(error.problems))
        return web.json_response(_label_json(made))


def _label_json(label: Label) -> dict[str, Any]:
    return {"group_id": label.group_id, "text": label.text, "label": label.label, "texts": list(label.texts)}
