"""Checking a NIK: its structure for anyone, whether it is registered only with a second factor.

The structure (region, birth date, serial) is checked here, without the back
office, and what is wrong is said in plain words (regions/nik.py): anyone may
learn whether a NIK is well formed. Whether it is registered is personal data
(UU 27/2022): the back office confirms it only with the KK number or the
mother's maiden name (the birth date is inside the NIK, so it proves nothing),
and answers an unknown NIK and a wrong factor alike. The citizen gives either
factor in answer to one question; a 16-digit answer is a KK number. The NIK is
only ever shown masked, and the NIK and the factor are forgotten after the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BackOfficeAction, BackOfficeFormValidation, citizen_ref
from actions.clients.backoffice import BackOfficeClient
from actions.clients.errors import BackOfficeRejected
from actions.privacy_notice import AskForPersonalData
from privacy.masking import mask_nik
from regions.nik import check_nik

NIK_FACTOR = "nik_factor"
KK_NUMBER_LENGTH = 16
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d){5,}")
_KK_NUMBER = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){15}(?!\d)")
# "nama ibu kandung saya: ..." before the name itself
_LEAD_IN = re.compile(r"(?i)^(?:(?:nama|ibu|kandung|gadis|saya|sy|aku|beliau|namanya|adalah|yaitu|yakni|ialah)"
                      r"\b[\s:,\-]*)+")
_NAME = re.compile(r"[^\W\d_]+(?:[ .'\-]+[^\W\d_]+)*\.?")
_NOT_A_NAME = re.compile(r"(?i)\b(lupa|tidak|tdk|gak|ga|nggak|ngga|enggak|tau|tahu|belum|apa|kenapa|mengapa|"
                         r"bagaimana|gimana|kok|siapa|mana|boleh|bisa|harus|batal)\b")
MAX_NAME_WORDS = 6
MAX_NAME_LENGTH = 100
# intents the classifier gives a bare name (it knows no names); a name with a lead-in is taken whatever the intent
_NAME_LIKE_INTENTS = {"out_of_scope", "nlu_fallback"}
_UNSURE = 0.5


def _issued_in(nik: str) -> str:
    check = check_nik(nik)
    return ", ".join(part for part in (check.kecamatan and f"Kec. {check.kecamatan}", check.kabkota) if part)


@dataclass(frozen=True)
class SecondFactor:
    """What the citizen gave to confirm a registration: a KK number or the mother's maiden name."""

    kk_number: str | None = None
    mother_maiden_name: str | None = None

    @classmethod
    def from_slot(cls, value: str) -> SecondFactor:
        """The slot holds the KK number's 16 digits or the name."""
        if value.isdigit() and len(value) == KK_NUMBER_LENGTH:
            return cls(kk_number=value)
        return cls(mother_maiden_name=value)


def mothers_name_in(text: str) -> str | None:
    """The name in "Sumarni" or "nama ibu saya Sumarni"; None when the text does not look like a name."""
    name = _LEAD_IN.sub("", text.strip()).strip(" .,:;!")
    if (not _NAME.fullmatch(name) or any(char.isnumeric() for char in name) or _NOT_A_NAME.search(name)
            or len(name) > MAX_NAME_LENGTH or len(name.split()) > MAX_NAME_WORDS):
        return None
    return " ".join(name.split())


def factor_in(text: str) -> str | None:
    """The slot value for an answer: a KK number's digits, or the mother's name; None when it is neither."""
    if re.search(r"\d", text):
        match = _KK_NUMBER.search(text)
        return re.sub(r"\D", "", match.group(0)) if match else None
    return mothers_name_in(text)


def _is_answer_to_the_factor_question(tracker: Tracker) -> bool:
    """Digits, an introduced name, or a bare name the NLU did not take for anything else."""
    text = tracker.latest_message.get("text") or ""
    if re.search(r"\d", text):
        return True
    if "?" in text or mothers_name_in(text) is None:
        return False
    intent = tracker.latest_message.get("intent") or {}
    return (bool(_LEAD_IN.match(text.strip())) or intent.get("name") in _NAME_LIKE_INTENTS
            or float(intent.get("confidence") or 0) < _UNSURE)


class ValidateNikCheckForm(BackOfficeFormValidation):
    """Asks for the NIK and explains what is wrong with an invalid one, then asks for the second factor."""

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
        """A structurally valid NIK, or every problem found in it.

        Only a NIK of the citizen's latest message: one left over from a check that
        was cancelled is asked for again, not checked for whoever writes next.
        """
        digits = re.sub(r"\D", "", tracker.latest_message.get("text") or "")
        if re.sub(r"\D", "", str(value)) not in digits:
            return {"nik": None}
        check = check_nik(str(value))
        if check.valid:
            return {"nik": check.nik}
        problems = "\n".join(f"• {problem.message}" for problem in check.problems)
        dispatcher.utter_message(response="utter_invalid_nik", problems=problems)
        return {"nik": None}

    async def extract_nik_factor(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """Only while asked: the answer, unless it is another request ("batal", a question...)."""
        if tracker.get_slot(NIK_FACTOR) or tracker.get_slot("requested_slot") != NIK_FACTOR:
            return {}
        return {NIK_FACTOR: tracker.latest_message.get("text")} if _is_answer_to_the_factor_question(tracker) else {}

    def validate_nik_factor(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        """A KK number of 16 digits or a name; anything else is asked again."""
        factor = factor_in(str(value))
        if factor is None:
            dispatcher.utter_message(response="utter_invalid_nik_factor")
        return {NIK_FACTOR: factor}


class ActionAskNik(AskForPersonalData):
    """Asks for the NIK; the first such question of a conversation has the privacy notice."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_ask_nik"


class ActionAskNikFactor(AskForPersonalData):
    """Tells that the NIK is well formed (open to anyone), then asks for the KK number or the mother's name."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_ask_nik_factor"

    def question_values(self, tracker: Tracker) -> dict[str, Any]:
        """The NIK masked and the region its digits name."""
        nik = str(tracker.get_slot("nik"))
        return {"nik_masked": mask_nik(nik), "region": _issued_in(nik)}


class ActionCheckNik(BackOfficeAction):
    """Says whether a valid NIK is registered, only when the second factor matches; no other personal data."""

    forget = ("nik", NIK_FACTOR)

    def name(self) -> str:
        """The action name in the domain."""
        return "action_check_nik"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Registered, or the one answer for "unknown or not matching"; the NIK masked."""
        nik = str(tracker.get_slot("nik"))
        factor = SecondFactor.from_slot(str(tracker.get_slot(NIK_FACTOR)))
        shown = {"nik_masked": mask_nik(nik), "region": _issued_in(nik)}
        try:
            result = await backoffice.check_resident(nik, citizen_ref(tracker), kk_number=factor.kk_number,
                                                     mother_maiden_name=factor.mother_maiden_name)
        except BackOfficeRejected as rejected:
            if rejected.code == "too_many_attempts":
                dispatcher.utter_message(response="utter_too_many_attempts")
            elif rejected.code in ("not_found", "invalid_request"):
                dispatcher.utter_message(response="utter_nik_not_confirmed", **shown)
            else:
                raise
            return []
        dispatcher.utter_message(response="utter_nik_valid_registered", **shown)
        if result.get("demo"):
            dispatcher.utter_message(response="utter_demo_data_note")
        return []
