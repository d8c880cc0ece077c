"""Checking a NIK: its structure first (no back office needed), then whether it is registered.

What is wrong is said in plain words (regions/nik.py). The answer never
repeats the NIK in full, and the slot is forgotten afterwards.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BackOfficeAction, BackOfficeFormValidation
from actions.clients.backoffice import BackOfficeClient
from privacy.masking import mask_nik
from regions.nik import check_nik

_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d){5,}")


def _issued_in(nik: str) -> str:
    check = check_nik(nik)
    return ", ".join(part for part in (check.kecamatan and f"Kec. {check.kecamatan}", check.kabkota) if part)


class ValidateNikCheckForm(BackOfficeFormValidation):
    """Asks for the NIK and explains what is wrong with an invalid one."""

    def name(self) -> str:
        """The action name in the domain."""
        return "validate_nik_check_form"

    async def extract_nik(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        """While asked, any run of digits, also of the wrong length (the citizen hears what is wrong)."""
        if tracker.get_slot("nik") or tracker.get_slot("requested_slot") != "nik":
            return {}
        match = _DIGIT_RUN.search(tracker.latest_message.get("text") or "")
        return {"nik": match.group(0)} if match else {}

    def validate_nik(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> dict[str, Any]:
        """A structurally valid NIK, or every problem found in it."""
        check = check_nik(str(value))
        if check.valid:
            return {"nik": check.nik}
        problems = "\n".join(f"• {problem.message}" for problem in check.problems)
        dispatcher.utter_message(response="utter_invalid_nik", problems=problems)
        return {"nik": None}


class ActionCheckNik(BackOfficeAction):
    """Says whether a valid NIK is registered, without any personal data."""

    forget = ("nik",)

    def name(self) -> str:
        """The action name in the domain."""
        return "action_check_nik"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Registered or not, where it was issued, masked."""
        nik = str(tracker.get_slot("nik"))
        result = await backoffice.check_resident(nik)
        response = "utter_nik_valid_registered" if result.get("registered") else "utter_nik_valid_not_registered"
        dispatcher.utter_message(response=response, nik_masked=mask_nik(nik), region=_issued_in(nik))
        if result.get("demo"):
            dispatcher.utter_message(response="utter_demo_data_note")
        return []
