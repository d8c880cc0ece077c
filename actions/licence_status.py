"""Status of a health worker's STR or SIP, by its number.

An application number (PMH-YYMMDD-NNNN) given where the STR/SIP number is asked
is no licence number: the citizen is told so and the application status check
takes over (it asks the birth date).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BackOfficeAction, BackOfficeFormValidation
from actions.calendar_dates import indonesian_date
from actions.clients.backoffice import BackOfficeClient
from actions.clients.errors import BackOfficeRejected
from nlu.number_entities import APPLICATION_NUMBER

# an STR number is a run of digits; a SIP number is written like 503/0123/SIP-P/DPMPTSP/2025
_SIP_NUMBER = re.compile(r"(?i)\S*\d\S*/\S*sip\S*/\S*\d\S*|\S*/\S*sip\S*")
_KIND_LABELS = {"str": "STR", "sip": "SIP"}


def normalise_licence_number(text: str) -> str | None:
    """The licence number in a message: a SIP number as written, an STR number as digits only.

    An application number is kept as PMH-YYMMDD-NNNN (it is no licence number: see ActionCheckLicence).
    """
    if application := APPLICATION_NUMBER.search(text):
        return f"PMH-{application.group(1)}-{application.group(2)}"
    if sip := _SIP_NUMBER.search(text):
        return sip.group(0).strip(".,;").upper()
    digits = re.sub(r"[\s.\-]", "", text)
    run = re.search(r"\d{6,}", digits)
    return run.group(0) if run else None


class ValidateLicenceStatusForm(BackOfficeFormValidation):
    """Asks for the STR/SIP number; a SIP number with slashes is not an NLU entity, so it is taken here."""

    def name(self) -> str:
        """The action name in the domain."""
        return "validate_licence_status_form"

    async def extract_licence_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """While asked (or at the start), any message with a number in it."""
        if tracker.get_slot("licence_number") or tracker.get_slot("requested_slot") not in (None, "licence_number"):
            return {}
        text = tracker.latest_message.get("text") or ""
        return {"licence_number": text} if re.search(r"\d", text) else {}

    def validate_licence_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        """An STR number of at least six digits or a SIP number with its slashes."""
        number = normalise_licence_number(str(value))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_licence_number")
        return {"licence_number": number}


def _validity(licence: dict[str, Any]) -> str:
    if licence.get("valid_until"):
        until = date.fromisoformat(str(licence["valid_until"]))
        return f"Berlaku sampai {indonesian_date(until)}."
    return "Berlaku seumur hidup." if licence.get("kind") == "str" else ""


class ActionCheckLicence(BackOfficeAction):
    """Tells the licence's status, validity and issuer, with the holder's name masked; or hands an application
    number over to the application status check."""

    forget = ("licence_number",)

    def name(self) -> str:
        """The action name in the domain."""
        return "action_check_licence"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """The licence, or where else to look when it is not in the data."""
        number = str(tracker.get_slot("licence_number"))
        if APPLICATION_NUMBER.fullmatch(number):
            dispatcher.utter_message(response="utter_licence_number_is_application_number", number=number)
            return [SlotSet("application_number", number), FollowupAction("application_status_form")]
        try:
            licence = await backoffice.lookup_licence(number)
        except BackOfficeRejected as rejected:
            if rejected.code not in ("not_found", "invalid_request"):
                raise
            dispatcher.utter_message(response="utter_licence_not_found", number=number)
            return []
        dispatcher.utter_message(
            response="utter_licence_status", kind_label=_KIND_LABELS.get(str(licence["kind"]), "Izin"),
            number=licence["number"], profession=licence["profession"], holder=licence["holder_name_masked"],
            status_label=licence["status_label"], validity=_validity(licence), issuer=licence["issuer"])
        if licence.get("demo"):
            dispatcher.utter_message(response="utter_demo_data_note")
        return []
