"""Which answer a message gets, given what it names: honest before helpful.

The intent classifier learns how a question is asked; it cannot know every document. A
message that names a catalogue service (resources/services/catalogue.yml) gets the answer
about that service: "perpanjang SIM A" classified as SIP renewal becomes the renewal question
about the SIM; "syarat KTP WNA pemegang KITAP" becomes the KTP-el for foreign residents (a
service that refines the KTP-el), and a generic question ("biaya bikin paspor") keeps its
intent with the service it names. A message that names a document the catalogue does not
know ("kartu tani hilang") becomes the question about that document, which the action answers
honestly: no verified answer, who to ask, an officer. An intent keeps a message whose named
service its own answer lists as something to bring ("buku nikah" in a KK question); a contract
intent asked in a situation its record answers apart ("akta kelahiran hilang") keeps its name
and gets a `situation`. Nothing here is a word list per case: compatibility comes from the
catalogue records, documents from a small grammar of heads, situations and false friends from
resources/services/questions.yml. docs/services.md; figures in docs/benchmarks.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nlu.gazetteer import WORD, Gazetteer, Match
from service_catalogue.model import Catalogue, Questions, QuestionType, Service, SharedName

# "akta kematiannya", "aktane", "kartuku": a word with a possessive ending is the word
POSSESSIVE_ENDINGS = ("nya", "ne", "ku", "mu")
MIN_STEM = 3
# how far a possession cue may be from the name it speaks of: "udah punya <name>", "<name> anak saya sudah ada"
CUE_BEFORE_WORDS = 1
CUE_AFTER_WORDS = 2
# an abbreviation nobody explained: letters without a vowel ("kjp", "sktm"), 2 to 6 of them
ABBREVIATION = re.compile(r"^[b-df-hj-np-tv-z]{2,6}$")


@dataclass(frozen=True)
class NamedThing:
    """An entity found in the message: its type, value and span."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    """Where a message goes: its intent, the service it is about, or a document nobody knows."""

    intent: str
    service: str | None = None
    document: NamedThing | None = None
    # the situation a contract intent is asked in, which the record answers apart ("hilang": lost)
    situation: QuestionType | None = None
    # the services a shared name may mean ("bpjs"): the action asks which one
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceRoutes:
    """A catalogue service with what routing reads of its answers."""

    service: Service
    # per question: other services its answer names as something to bring ("buku nikah" for a new KK)
    mentions: Mapping[QuestionType, frozenset[str]] = field(default_factory=dict)
    # per question: the words of its answer (a document it discusses, "surat pengantar RT", is no unknown one)
    words: Mapping[QuestionType, frozenset[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def intents(self) -> Mapping[str, QuestionType]:
        return self.service.intents

    @property
    def refines(self) -> tuple[str, ...]:
        return self.service.refines

    @property
    def mentioned(self) -> frozenset[str]:
        """Every other service its answers name (as something to bring, or to have done first)."""
        return frozenset().union(*self.mentions.values())

    def answers(self, question: QuestionType) -> bool:
        """Whether the record has an answer to ``question``, its own or a contract intent's."""
        return question in self.service.answers or self.service.intent_for(question) is not None

    def intent_for(self, question: QuestionType) -> str | None:
        return self.service.intent_for(question)


class AnswerRouting:
    """Routes a classified message to the answer about what it names."""

    def __init__(self, services: Mapping[str, ServiceRoutes], questions: Questions,
                 name_words: frozenset[str] = frozenset(), shared_names: Sequence[SharedName] = (),
                 known_words: frozenset[str] = frozenset()) -> None:
        """``name_words``: every word of the catalogue's names (a document using one is no unknown one);
        ``shared_names``: names of more than one service ("bpjs"); ``known_words``: the words of the
        training data and the slang lexicon (an abbreviation outside them names something unknown;
        empty: no such check)."""
        self._services = services
        self._known_words = known_words | name_words if known_words else frozenset()
        self._shared = {shared.name: tuple(shared.choices) for shared in shared_names}
        self._shared_names = Gazetteer({"shared": {shared.name: shared.name for shared in shared_names}})
        self._questions = questions
        self._name_words = name_words
        self._false_friends = Gazetteer({"false_friend": {phrase: phrase for phrase in questions.false_friends}})
        self._unserved = Gazetteer({"document": {phrase: phrase for phrase in questions.unserved_documents}})
        self._possession = Gazetteer({"possession": {cue: cue for cue in questions.possession_cues}})
        self._qualifiers = Gazetteer({"qualifier": {qualifier: routes.id for routes in services.values()
                                                    for qualifier in routes.service.qualifiers}})
        self._cues = Gazetteer({"cue": {cue: question.value for question, cues in questions.situation_cues.items()
                                        for cue in cues}})
        self._contract_questions: dict[str, QuestionType] = {}
        # contract intent -> the services whose answer it is (not those that only refine one)
        self._answered_by: dict[str, list[ServiceRoutes]] = {}
        for routes in services.values():
            for intent, question in routes.intents.items():
                self._contract_questions.setdefault(intent, question)
                if not routes.refines:
                    self._answered_by.setdefault(intent, []).append(routes)

    @classmethod
    def of(cls, catalogue: Catalogue, questions: Questions, known_words: frozenset[str] = frozenset()) -> AnswerRouting:
        """Routing for this catalogue (``known_words``: see __init__)."""
        names = Gazetteer({"service": catalogue.names()})

        def mentions(service: Service) -> dict[QuestionType, frozenset[str]]:
            return {question: frozenset(match.value for text in (answer.text or "", *answer.items)
                                        for match in names.find(text)) - {service.id}
                    for question, answer in service.answers.items()}

        def words(service: Service) -> dict[QuestionType, frozenset[str]]:
            return {question: frozenset(WORD.findall(" ".join((answer.text or "", *answer.items)).lower()))
                    for question, answer in service.answers.items()}

        return cls({service.id: ServiceRoutes(service, mentions(service), words(service))
                    for service in catalogue.services.values()}, questions,
                   frozenset(word for name in catalogue.names() for word in WORD.findall(name.lower())),
                   catalogue.shared_names, known_words)

    def question_of(self, intent: str) -> QuestionType | None:
        """The question an intent asks about a service (None: it asks no question about one)."""
        return (self._questions.question_of(intent) or self._questions.place_intents.get(intent)
                or self._contract_questions.get(intent))

    def route(self, intent: str, named: list[NamedThing], text: str, ranking: Sequence[str] = ()) -> Route | None:
        """Where the message goes; None when its intent already answers what it names.

        ``ranking``: the classifier's intents, best first (where the intent asks nothing about
        the service named, the question comes from the best-ranked intent that asks one).
        """
        misleading = [NamedThing(match.entity, match.value, match.start, match.end)
                      for match in self._false_friends.find(text)]
        service_names = [thing for thing in named if thing.entity == "service" and thing.value in self._services
                         and not any(friend.start <= thing.start < friend.end for friend in misleading)]
        services = self._asked_about(self._most_specific(self._qualified(service_names, text, misleading)),
                                     service_names, intent, text, [*named, *misleading])
        candidates = () if services else self._candidates(intent, text, [*named, *misleading])
        if candidates and any(intent in self._services[choice].intents for choice in candidates):
            # the intent's answer covers one of them (marriage and divorce for "akta cerai"): it stays,
            # and the action asks which one is meant, in the situation the words say
            situation = next((QuestionType(cue.value) for cue in self._cues.find(text)), None)
            return Route(intent, candidates=candidates, situation=situation)
        question = self._question(intent, services or list(candidates[:1]), ranking)
        if question is None:
            return None
        asking = self._questions.intents[question]
        if candidates:
            return Route(asking, candidates=candidates)
        if not services:
            document = self.unknown_document(text, [*named, *misleading])
            if document is None or self._discusses(intent, document):
                return None
            return Route(asking, document=document)
        topic = self._services[services[0]]  # the first thing named, unless a more specific one refines it
        situation = self._situation(text, topic, named) if self._questions.question_of(intent) is None else None
        if self._answers(intent, topic.id, services):
            if situation in (None, question):
                return None
            # the contract intent stays (it covers the situation); the action answers the situation
            return Route(topic.intent_for(situation) or intent, service=topic.id,
                         situation=None if topic.intent_for(situation) else situation)
        question = situation or self._not_from_a_name(question, text, named)
        return Route(topic.intent_for(question) or self._questions.intents[question], service=topic.id)

    def _not_from_a_name(self, question: QuestionType, text: str, named: list[NamedThing]) -> QuestionType:
        """The question, or requirements where its situation is said only inside a name (the "hilang"
        of "surat keterangan hilang" makes no lost-document question about that letter)."""
        cues = [cue for cue in self._cues.find(text) if cue.value == question.value]
        inside = [any(thing.start <= cue.start < thing.end for thing in named) for cue in cues]
        return QuestionType.REQUIREMENTS if inside and all(inside) else question

    def _situation(self, text: str, topic: ServiceRoutes, named: list[NamedThing]) -> QuestionType | None:
        """The situation the message's words name ("hilang": lost), if the topic's record answers it;
        a cue inside a name ("surat keterangan hilang") names none."""
        for cue in self._cues.find(text):
            if any(thing.start <= cue.start < thing.end for thing in named):
                continue
            question = QuestionType(cue.value)
            if topic.answers(question):
                return question
        return None

    def _discusses(self, intent: str, document: NamedThing) -> bool:
        """Whether the intent's own answer speaks of the document ("surat pengantar RT" when moving)."""
        questions = self._questions
        naming = [word for word in WORD.findall(document.value.lower())
                  if word not in questions.document_heads and word not in questions.document_connectors]
        return any(naming and set(naming) <= answered.words.get(answered.intents[intent], frozenset())
                   for answered in self._answered_by.get(intent, ()))

    def _question(self, intent: str, services: list[str], ranking: Sequence[str]) -> QuestionType | None:
        """The question the message asks about what it names (None: it asks none)."""
        questions = self._questions
        if intent in questions.first_party_intents:
            # about another agency's service, or (no service named) possibly a document nobody knows
            if services and self._services[services[0]].intents:
                return None
            return next(filter(None, map(self.question_of, ranking)), QuestionType.REQUIREMENTS)
        if intent in questions.unsure_intents:
            if not services:
                return None
            return next(filter(None, map(self.question_of, ranking)), QuestionType.REQUIREMENTS)
        return self.question_of(intent)

    def _answers(self, intent: str, service: str, named: Sequence[str]) -> bool:
        """Whether the intent's own answer is about ``service``, or names it as something to bring
        ("KK baru, perlu buku nikah?"). Another agency's document named without the service the answer
        is about ("surat kehilangan dari polisi bisa online?") is asked about itself."""
        if intent in self._services[service].intents:
            return True
        if intent in self._questions.place_intents:
            # the MPP's own intents answer for the services the assistant has its own answers for
            return bool(self._services[service].intents)
        answered_by = self._answered_by.get(intent, ())
        if any(answered.id in self._services[service].refines for answered in answered_by):
            return False  # a special case of what the intent answers has its own answer
        mentioned = any(service in answered.mentions.get(answered.intents[intent], frozenset())
                        for answered in answered_by)
        # another agency's document is asked about itself unless the intent's own service is named too
        return mentioned and (bool(self._services[service].intents)
                              or any(intent in self._services[other].intents for other in named))

    def _asked_about(self, services: list[str], service_names: list[NamedThing], intent: str, text: str,
                     named: list[NamedThing]) -> list[str]:
        """The services the message asks about, when it names something else too: without those it
        says the citizen already has ("udah punya NIB, sekarang mau sertifikat halal"), and without
        those another agency's service it names needs ("calon suami KTP luar kota" when marrying at
        the KUA; "KTP pemilik lama" when paying the vehicle "pajak"), unless the classifier's intent
        answers them. Between the assistant's own documents ("syarat KK baru, KTP perlu?") the first
        named stays the topic."""
        held = {thing.value for thing in service_names if self._held(thing, text, service_names)}
        candidates = self._candidates(intent, text, named)
        needing = [*services, *candidates]
        needed = {service for service in services if intent not in self._services[service].intents
                  and any(service in self._services[other].mentioned for other in needing
                          if other != service and not self._services[other].intents)}
        asked = [service for service in services if service not in held | needed]
        if asked:
            return asked
        if candidates or (held and self.unknown_document(text, named)):
            return asked
        return services

    def _held(self, thing: NamedThing, text: str, named: Sequence[NamedThing]) -> bool:
        """Whether a possession cue speaks of ``thing``: just before it ("udah punya NIB") or shortly
        after it ("paspor saya sudah ada"), and of no name nearer to it."""
        def distance(cue: Match, name: NamedThing) -> int | None:
            if cue.end <= name.start:  # "udah punya <name>"
                words = len(WORD.findall(text[cue.end:name.start]))
                return words if words <= CUE_BEFORE_WORDS else None
            if name.end <= cue.start:  # "<name> saya sudah ada"
                words = len(WORD.findall(text[name.end:cue.start]))
                return words if words <= CUE_AFTER_WORDS else None
            return None  # inside the name

        for cue in self._possession.find(text):
            near = [(found, name) for name in named if (found := distance(cue, name)) is not None]
            if near and min(near, key=lambda pair: pair[0])[1] == thing:
                return True
        return False

    def _candidates(self, intent: str, text: str, named: list[NamedThing]) -> tuple[str, ...]:
        """The services a shared name in ``text`` may mean, outside the things already named; none
        where the intent is about the assistant's own services ("cek nik buat daftar bpjs")."""
        if intent in self._questions.first_party_intents:
            return ()
        return next((self._shared[shared.value] for shared in self._shared_names.find(text)
                     if not any(thing.start <= shared.start < thing.end for thing in named)), ())

    def _qualified(self, named: list[NamedThing], text: str, misleading: list[NamedThing]) -> list[str]:
        """The services named, with a service that refines one of them where its qualifier is said too
        ("ktp" and "kitap": the KTP-el for foreign residents, in the KTP-el's place)."""
        services = [thing.value for thing in named]
        for qualifier in self._qualifiers.find(text):
            if any(thing.start <= qualifier.start < thing.end for thing in [*named, *misleading]):
                continue  # part of a name ("akta cerai muslim") or of a false friend ("non muslim")
            refined = self._services[qualifier.value].refines
            general = next((position for position, service in enumerate(services) if service in refined), None)
            if general is not None:
                services.insert(general, qualifier.value)
        return services

    def _most_specific(self, services: Iterable[str]) -> list[str]:
        """The services named, without those another named one refines, in order, once each."""
        ordered = list(dict.fromkeys(services))
        refined = {general for service in ordered for general in self._services[service].refines}
        return [service for service in ordered if service not in refined]

    def unknown_document(self, text: str, named: list[NamedThing]) -> NamedThing | None:
        """A document named in ``text`` that no entity covers: one of another agency's that no record
        answers ("kitas"), an abbreviation nobody taught the assistant ("kjp", "sktm"), or one named by
        a head word and a name of its own ("kartu tani")."""
        for unserved in self._unserved.find(text):
            if not any(thing.start <= unserved.start < thing.end for thing in named):
                return NamedThing("document", text[unserved.start:unserved.end], unserved.start, unserved.end)
        words = [match for match in WORD.finditer(text.lower())
                 if not any(thing.start <= match.start() < thing.end for thing in named)]
        heads, connectors = self._questions.document_heads, self._questions.document_connectors
        stop = self._questions.not_document_words
        for index, head in enumerate(words):
            if head.group(0) not in heads:
                continue
            end, naming = head.end(), 0
            for word in words[index + 1: index + 4]:
                token = word.group(0)
                if word.start() - end > 1 or token in stop or token.isdigit():
                    break
                end = word.end()
                if token not in connectors and token not in heads:
                    if self._is_name_word(token):
                        naming = 0  # a known document said another way ("akta kelahirannya", "surat lahir")
                        break
                    naming += 1
                    if naming == 2:
                        break
            if naming:
                return NamedThing("document", text[head.start():end], head.start(), end)
        return self._unknown_abbreviation(text, named)

    def _unknown_abbreviation(self, text: str, named: list[NamedThing]) -> NamedThing | None:
        """An abbreviation ("kjp") that no training example, lexicon entry or catalogue name uses."""
        if not self._known_words:
            return None
        for word in WORD.finditer(text):
            token = word.group(0).lower()
            if (ABBREVIATION.match(token) and token not in self._known_words
                    and not any(thing.start <= word.start() < thing.end for thing in named)):
                return NamedThing("document", word.group(0), word.start(), word.end())
        return None

    def _is_name_word(self, word: str) -> bool:
        """Whether ``word`` (or it without a possessive ending: "kematiannya") is in a catalogue name."""
        if word in self._name_words:
            return True
        stem = next((word[: -len(ending)] for ending in POSSESSIVE_ENDINGS
                     if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM), None)
        return stem is not None and stem in self._name_words
