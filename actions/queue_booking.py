"""Booking a queue slot at an MPP: where, for which service, which day, then a confirmation.

The citizen may give everything at once ("antrean ktp di tegal besok") or
answer one question at a time. Once the MPP, the service and the day are
known, the day is checked with the back office (open? seats left?) before the
citizen is asked to confirm, so that "Ya" books or says clearly why not.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache, partial
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import (
    BackOfficeAction,
    BackOfficeFormValidation,
    citizen_ref,
    latest_entity,
    requested,
)
from actions.calendar_dates import find_visit_date, indonesian_date
from actions.clients.backoffice import BackOfficeClient, shared_backoffice_client
from actions.clients.errors import BackOfficeRejected
from actions.places import region_codes, timezone_label, unique_by_id
from nlu.gazetteer import Gazetteer
from regions.local_time import DEFAULT_TIMEZONE, local_today
from service_catalogue.loading import cached_catalogue

MAX_DAYS_AHEAD = 30
REGION_PREFIX = "region:"
SUMMARY = "queue_summary"
# why a day cannot be booked (the back office's reason) -> what the citizen is told
DAY_REFUSALS = {"fully_booked": "utter_queue_day_full", "date_in_past": "utter_queue_date_in_past",
                "too_far_ahead": "utter_queue_date_too_far", "closed_day": "utter_queue_day_closed"}
# the same at booking time, when "closed" means the MPP has closed for today since the day was checked
BOOKING_REFUSALS = {**DAY_REFUSALS, "closed_day": "utter_queue_day_unavailable"}


@lru_cache(maxsize=1)
def bookable_services() -> frozenset[str]:
    """The counter codes of the services a queue can be booked for."""
    return frozenset(service.counter for service in cached_catalogue().services.values() if service.counter)


@lru_cache(maxsize=1)
def service_names() -> Gazetteer:
    """The words citizens use for each service that can be booked, as its counter code
    (resources/services/catalogue.yml), longest match first."""
    return Gazetteer({"service": {name: service.counter for service in cached_catalogue().services.values()
                                  if service.counter for name in service.names}})


def find_service(text: str) -> str | None:
    """The service code named in ``text`` ("mau bikin akte lahir" -> akta_kelahiran)."""
    found = service_names().find(text)
    return found[0].value if found else None


class ValidateBookQueueForm(BackOfficeFormValidation):
    """Finds the MPP, the service and the day, and checks the day before asking to confirm."""

    def name(self) -> str:
        """The action name in the domain."""
        return "validate_book_queue_form"

    # -- extraction: what the latest message says ------------------------------------------------

    async def extract_mpp_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        """A region named now, or at the start the region the citizen asked about before."""
        if tracker.get_slot("mpp_id") or not requested(tracker, "mpp_id"):
            return {}
        region = latest_entity(tracker, "region")
        if region is None and tracker.get_slot("requested_slot") is None:
            region = tracker.get_slot("region")
        return {"mpp_id": REGION_PREFIX + region} if region else {}

    async def extract_queue_service(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        """A service named in the message ("ktp", "akte lahir"), or an unknown one while asked."""
        if tracker.get_slot("queue_service") or not requested(tracker, "queue_service"):
            return {}
        text = tracker.latest_message.get("text") or ""
        service = find_service(text)
        if service is None and tracker.get_slot("requested_slot") == "queue_service" \
                and tracker.latest_message.get("intent", {}).get("name") == "nlu_fallback":
            return {"queue_service": "?"}
        return {"queue_service": service} if service else {}

    async def extract_queue_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """A day named in the message ("besok", "senin depan", "12 Desember")."""
        if tracker.get_slot("queue_date") or not requested(tracker, "queue_date"):
            return {}
        found = find_visit_date(tracker.latest_message.get("text") or "", local_today(DEFAULT_TIMEZONE))
        return {"queue_date": found[0]} if found else {}

    # -- validation ------------------------------------------------------------------------------

    async def validate_mpp_id(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """A region becomes its MPP; several or none: the citizen is shown the choices."""
        backoffice = shared_backoffice_client()
        value = str(value)
        if not value.startswith(REGION_PREFIX):  # an MPP id from a button
            try:
                mpp, down = await self.ask_backoffice(dispatcher, tracker, lambda: backoffice.mpp(value))
            except BackOfficeRejected:  # an old button of an MPP no longer in the directory: ask again
                return {"mpp_id": None}
            slots = {"mpp_id": mpp["id"] if mpp else None, **down}
            return {**slots, **await self._check_day(dispatcher, tracker, slots)}
        region = value.removeprefix(REGION_PREFIX)
        codes = region_codes(region)
        if not codes:
            dispatcher.utter_message(response="utter_unknown_region")
            return {"mpp_id": None}
        local: list[dict[str, Any]] = []
        nearby: list[dict[str, Any]] = []
        for code in codes:
            result, down = await self.ask_backoffice(dispatcher, tracker, partial(backoffice.nearest_mpps, code))
            if result is None:
                return {"mpp_id": None, **down}
            (local if result["match"] == "kabkota" else nearby).extend(result["mpps"])
        local, nearby = unique_by_id(local), unique_by_id(nearby)
        if len(local) == 1:
            slots = {"mpp_id": local[0]["id"]}
            return {**slots, **await self._check_day(dispatcher, tracker, slots)}
        self._offer_mpps(dispatcher, region, local or nearby)
        return {"mpp_id": None}

    @staticmethod
    def _offer_mpps(dispatcher: CollectingDispatcher, region: str, mpps: list[dict[str, Any]]) -> None:
        if not mpps:
            dispatcher.utter_message(response="utter_no_mpp_in_region", region=region)
            return
        buttons = [{"title": mpp["name"], "payload": f'/book_queue{{"mpp_id": "{mpp["id"]}"}}'} for mpp in mpps[:10]]
        dispatcher.utter_message(response="utter_choose_mpp", region=region, buttons=buttons)

    async def validate_queue_service(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """One of the bookable services (a counter code of resources/services/catalogue.yml)."""
        if str(value) not in bookable_services():
            dispatcher.utter_message(response="utter_unknown_service")
            return {"queue_service": None}
        slots = {"queue_service": str(value)}
        return {**slots, **await self._check_day(dispatcher, tracker, slots)}

    async def validate_queue_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        """A single day, not past, at most 30 days ahead; then open and with seats left."""
        text = str(value)
        found = find_visit_date(text, local_today(DEFAULT_TIMEZONE))
        day = found[1] if found else None
        if day is None:
            dispatcher.utter_message(response="utter_invalid_queue_date", value=text[:40])
            return {"queue_date": None}
        today = local_today(DEFAULT_TIMEZONE)
        if day < today:
            dispatcher.utter_message(response="utter_queue_date_in_past")
            return {"queue_date": None}
        if (day - today).days > MAX_DAYS_AHEAD:
            dispatcher.utter_message(response="utter_queue_date_too_far")
            return {"queue_date": None}
        slots = {"queue_date": day.isoformat()}
        return {**slots, **await self._check_day(dispatcher, tracker, slots)}

    async def _check_day(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         new: dict[str, Any]) -> dict[str, Any]:
        """Once MPP, service and day are known: is the service offered, the MPP open, a seat left?

        Returns the summary the confirmation question shows, or clears what
        does not fit (after telling the citizen why).
        """
        current = {slot: new.get(slot, tracker.get_slot(slot)) for slot in ("mpp_id", "queue_service", "queue_date")}
        if not _validated(current):
            return {}  # a slot of this turn is not validated yet: its validator checks the day
        backoffice = shared_backoffice_client()
        mpp, down = await self.ask_backoffice(dispatcher, tracker, lambda: backoffice.mpp(current["mpp_id"]))
        if mpp is None:
            return down
        offered = {service["code"]: service["label"] for service in mpp["services"]}
        if current["queue_service"] not in offered:
            dispatcher.utter_message(response="utter_service_not_at_mpp", mpp_name=mpp["name"],
                                     service_label=current["queue_service"], services=", ".join(offered.values()))
            return {"queue_service": None}
        day = date.fromisoformat(current["queue_date"])
        labels = {"mpp_name": mpp["name"], "service_label": offered[current["queue_service"]],
                  "date_label": indonesian_date(day)}
        availability, down = await self.ask_backoffice(
            dispatcher, tracker, lambda: backoffice.availability(mpp["id"], current["queue_service"], day))
        if availability is None:
            return down
        if not availability["open"] or availability["remaining"] <= 0:
            reason = availability.get("reason") or "fully_booked"
            refusals = BOOKING_REFUSALS if day == local_today(mpp["timezone"] or DEFAULT_TIMEZONE) else DAY_REFUSALS
            open_days = ", ".join(row["day"] for row in mpp["hours"]) or "-"
            dispatcher.utter_message(response=refusals.get(reason, "utter_queue_day_unavailable"),
                                     open_days=open_days, **labels)
            return {"queue_date": None}
        hours = next((row for row in mpp["hours"] if row["weekday"] == day.weekday()), {"opens": "", "closes": ""})
        return {SUMMARY: {**labels, "opens": hours["opens"], "closes": hours["closes"],
                          "timezone": timezone_label(mpp["timezone"])}}


def _validated(current: dict[str, Any]) -> bool:
    """Whether MPP, service and day all hold validated values (extraction leaves raw text in the tracker)."""
    try:
        date.fromisoformat(str(current["queue_date"]))
    except ValueError:
        return False
    return bool(current["mpp_id"]) and not str(current["mpp_id"]).startswith(REGION_PREFIX) \
        and current["queue_service"] in bookable_services()


class ActionAskQueueConfirmed(Action):
    """Repeats what will be booked and asks to confirm."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_ask_queue_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The summary was prepared when the day was checked."""
        dispatcher.utter_message(response="utter_ask_queue_confirmed", **(tracker.get_slot(SUMMARY) or {}))
        return []


def idempotency_key(tracker: Tracker) -> str:
    """The same for a retry of this confirmation, different for a later booking."""
    confirmed_at = next((event.get("timestamp") for event in reversed(tracker.events) if event.get("event") == "user"),
                        None)
    parts = [tracker.sender_id, *(str(tracker.get_slot(slot)) for slot in ("mpp_id", "queue_service", "queue_date")),
             str(confirmed_at)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class ActionBookQueue(BackOfficeAction):
    """Books the confirmed slot and gives the booking code."""

    forget = ("queue_date", "queue_confirmed", SUMMARY)

    def name(self) -> str:
        """The action name in the domain."""
        return "action_book_queue"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Book, or say why not; the MPP and service are kept so that another day is one question away."""
        if not tracker.get_slot("queue_confirmed"):
            dispatcher.utter_message(response="utter_queue_not_booked")
            return []
        try:
            booking = await backoffice.book(
                str(tracker.get_slot("mpp_id")), str(tracker.get_slot("queue_service")),
                str(tracker.get_slot("queue_date")), citizen_ref(tracker), idempotency_key(tracker))
        except BackOfficeRejected as rejected:
            return self._not_booked(dispatcher, tracker, rejected)
        dispatcher.utter_message(response="utter_queue_booked",
                                 **_booking_labels(booking, tracker.get_slot(SUMMARY) or {}))
        if booking.get("demo"):
            dispatcher.utter_message(response="utter_demo_data_note")
        return [SlotSet("queue_service", None)]

    @staticmethod
    def _not_booked(dispatcher: CollectingDispatcher, tracker: Tracker,
                    rejected: BackOfficeRejected) -> list[EventType]:
        """Say why, then ask for another day (the form starts again with the MPP and service kept)."""
        summary = tracker.get_slot(SUMMARY) or {}
        if rejected.code == "already_booked" and isinstance(rejected.body.get("booking"), dict):
            dispatcher.utter_message(response="utter_queue_already_booked",
                                     **_booking_labels(rejected.body["booking"], summary))
            return [SlotSet("queue_service", None)]
        response = BOOKING_REFUSALS.get(rejected.code)
        if response is None:
            raise rejected
        dispatcher.utter_message(response=response, **summary)
        return [SlotSet(SUMMARY, None), SlotSet("queue_date", None), SlotSet("queue_confirmed", None),
                FollowupAction("book_queue_form")]


def _booking_labels(booking: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    return {"code": booking["code"], "queue_number": booking["queue_number"], "mpp_name": booking["mpp_name"],
            "service_label": booking["service_label"],
            "date_label": indonesian_date(date.fromisoformat(booking["date"])),
            "opens": booking.get("opens", ""), "closes": booking.get("closes", ""),
            "timezone": summary.get("timezone", "")}
