"""Status of an adminduk or nakes application: number plus the applicant's birth date.

The birth date is the second factor: nobody learns another person's
application from its number alone. Both are forgotten after the answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BackOfficeAction, BackOfficeFormValidation, requested
from actions.calendar_dates import indonesian_date, parse_birth_date
from actions.clients.backoffice import BackOfficeClient
from actions.clients.errors import BackOfficeRejected
from actions.privacy_notice import AskForPersonalData
from nlu.number_entities import APPLICATION_NUMBER

_LOOKS_LIKE_NUMBER = re.compile(r"(?i)\bpmh[\s\-\d]*|\b\d{6}[\s\-]?\d{2,5}\b")
_WITHOUT_PREFIX = re.compile(r"(\d{6})[\s\-]?(\d{4})")


def _today() -> date:
    return date.today()


class ValidateApplicationStatusForm(BackOfficeFormValidation):
    """Asks for the application number and the birth date, and says what is wrong with them."""

    def name(self) -> str:
        """The action name in the domain."""
        return "validate_application_status_form"

    async def extract_application_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        """A malformed number is taken too, so that the citizen hears what is wrong with it."""
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("application_number") or not requested(tracker, "application_number"):
            return {}
        match = _LOOKS_LIKE_NUMBER.search(text)
        return {"application_number": match.group(0).strip()} if match else {}

    def validate_application_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        """Keep the number in its canonical form PMH-YYMMDD-NNNN."""
        match = APPLICATION_NUMBER.search(str(value)) or _WITHOUT_PREFIX.fullmatch(str(value).strip())
        if not match:
            dispatcher.utter_message(response="utter_invalid_application_number", value=str(value)[:40])
            return {"application_number": None}
        return {"application_number": f"PMH-{match.group(1)}-{match.group(2)}"}

    async def extract_birth_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """While asked: any message with digits; otherwise only a readable date given with the number.

        A question asked in between (no digits) stays a question for the rules to answer.
        """
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") == "birth_date":
            return {"birth_date": text} if re.search(r"\d", text) else {}
        without_number = APPLICATION_NUMBER.sub(" ", text)
        return {"birth_date": without_number} if parse_birth_date(without_number, _today()) else {}

    def validate_birth_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        """A full date with its year, not in the future."""
        parsed = parse_birth_date(str(value), _today())
        if parsed is None:
            dispatcher.utter_message(response="utter_invalid_birth_date")
            return {"birth_date": None}
        return {"birth_date": parsed.isoformat()}


class ActionAskBirthDate(AskForPersonalData):
    """Asks for the applicant's birth date; the first such question of a conversation has the privacy notice."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_ask_birth_date"


def _history_lines(application: dict[str, Any]) -> str:
    lines = []
    for step in application.get("history", []):
        when = datetime.fromisoformat(str(step["at"]).replace("Z", "+00:00")).date()
        note = f" ({step['note']})" if step.get("note") else ""
        lines.append(f"• {indonesian_date(when)}: {step['status_label']}{note}")
    return "\n".join(lines)


class ActionCheckApplicationStatus(BackOfficeAction):
    """Looks the application up and tells its status and history."""

    forget = ("application_number", "birth_date")

    def name(self) -> str:
        """The action name in the domain."""
        return "action_check_application_status"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """The status, the reason of a refusal, the history; or why nothing can be told."""
        try:
            application = await backoffice.lookup_application(
                str(tracker.get_slot("application_number")), str(tracker.get_slot("birth_date")))
        except BackOfficeRejected as rejected:
            if rejected.code == "too_many_attempts":
                dispatcher.utter_message(response="utter_too_many_attempts")
            elif rejected.code in ("not_found", "invalid_request"):
                dispatcher.utter_message(response="utter_application_not_found")
            else:
                raise
            return []
        details = _history_lines(application)
        if application.get("reason"):
            details = f"Alasan: {application['reason']}\n{details}"
        dispatcher.utter_message(
            response="utter_application_status", number=application["number"],
            type_label=application["type_label"], office=application["office"],
            status_label=application["status_label"], details=details)
        if application.get("demo"):
            dispatcher.utter_message(response="utter_demo_data_note")
        return []
