"""The service catalogue: what the assistant knows about each service an MPP may offer.

``resources/services/catalogue.yml`` (operators and reviewers edit it) lists agencies and
services with sourced answers per question type; ``resources/services/questions.yml`` says
which intent asks which question. Read by the Rasa server (NLU: names and answer routing), the
action server (answers) and the back office (which MPP has which counter).
"""

from service_catalogue.loading import (
    CATALOGUE_PATH,
    QUESTIONS_PATH,
    CatalogueError,
    cached_catalogue,
    load_catalogue,
    load_questions,
)
from service_catalogue.model import (
    Agency,
    Answer,
    Catalogue,
    Questions,
    QuestionType,
    Service,
    Source,
    SourceKind,
)

__all__ = [
    "CATALOGUE_PATH",
    "QUESTIONS_PATH",
    "Agency",
    "Answer",
    "Catalogue",
    "CatalogueError",
    "QuestionType",
    "Questions",
    "Service",
    "Source",
    "SourceKind",
    "cached_catalogue",
    "load_catalogue",
    "load_questions",
]
