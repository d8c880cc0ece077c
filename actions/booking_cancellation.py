"""Cancelling a queue booking by its code, from the conversation it was booked in.

The back office only cancels a booking for the citizen who made it (the same
hashed sender id), so a code seen by someone else cannot be used to cancel.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BackOfficeAction, BackOfficeFormValidation, citizen_ref, requested
from actions.calendar_dates import indonesian_date
from actions.clients.backoffice import BackOfficeClient
from actions.clients.errors import BackOfficeRejected

BOOKING_CODE = re.compile(r"(?i)\b([a-z]{3})[\s\-]?([a-z0-9]{6})\b")
_CODE_LIKE = re.compile(r"(?i)\b[a-z]{2,4}[\s\-][a-z0-9]{3,8}\b")


class ValidateCancelBookingForm(BackOfficeFormValidation):
    """Asks for the booking code and keeps it in its canonical form."""

    def name(self) -> str:
        """The action name in the domain."""
        return "validate_cancel_booking_form"

    async def extract_booking_code(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        """A code in the message ("TGL-7K3QXM", "tgl 7k3qxm"), or something that looks like one while asked."""
        if tracker.get_slot("booking_code") or not requested(tracker, "booking_code"):
            return {}
        text = tracker.latest_message.get("text") or ""
        found = BOOKING_CODE.search(text) or (_CODE_LIKE.search(text)
                                              if tracker.get_slot("requested_slot") == "booking_code" else None)
        return {"booking_code": found.group(0)} if found else {}

    def validate_booking_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """Three letters, a dash, six letters or digits."""
        match = BOOKING_CODE.fullmatch(str(value).strip())
        if not match:
            dispatcher.utter_message(response="utter_invalid_booking_code", value=str(value)[:20])
            return {"booking_code": None}
        return {"booking_code": f"{match.group(1)}-{match.group(2)}".upper()}


class ActionCancelBooking(BackOfficeAction):
    """Cancels the booking and frees its seat."""

    forget = ("booking_code",)

    def name(self) -> str:
        """The action name in the domain."""
        return "action_cancel_booking"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Cancelled (cancelling twice says the same), unknown for this citizen, or already past."""
        code = str(tracker.get_slot("booking_code"))
        try:
            booking = await backoffice.cancel_booking(code, citizen_ref(tracker))
        except BackOfficeRejected as rejected:
            if rejected.code == "date_in_past":
                dispatcher.utter_message(response="utter_booking_already_past", code=code)
            elif rejected.code in ("not_found", "invalid_request"):
                dispatcher.utter_message(response="utter_booking_not_found", code=code)
            else:
                raise
            return []
        dispatcher.utter_message(response="utter_booking_cancelled", code=booking["code"],
                                 service_label=booking["service_label"], mpp_name=booking["mpp_name"],
                                 date_label=indonesian_date(date.fromisoformat(booking["date"])))
        return []
