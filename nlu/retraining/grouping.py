"""Grouping similar messages so that one label covers many.

Texts are compared by TF-IDF over character n-grams (within word boundaries, 2 to 5 characters)
and cosine similarity, after the chat normaliser has rewritten slang and typos ("gmn cara bkin
ktp" and "gimana cara bikin ktp" both become "bagaimana cara buat ktp").

The clustering is a deterministic *star* (leader) clustering, not single-link: single-link chains
texts into groups no single label fits (at 0.5 it puts "cara bikin ktp" and "syarat bikin kk",
similarity 0.31, in one group through "cara bikin kk", 0.54 and 0.78).
Here texts are visited in priority order (most frequent first); a text becomes the leader of a new
group unless it is similar to an earlier leader, and every other text joins the leader it is most
similar to. Each member is therefore similar to its group's representative itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from nlu.chat_normalisation import ChatNormalisation, load_lexicon
from nlu.retraining.progress import Progress, no_progress
from storage.paths import ROOT

DEFAULT_SIMILARITY = 0.6
LEXICON = ROOT / "resources" / "slang" / "lexicon.tsv"
# How many similarity values are computed at once (rows x texts): bounds memory on big inboxes.
BLOCK_CELLS = 4_000_000
# Character n-grams within word boundaries, as in TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).
ANALYSE = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()

Rewrite = Callable[[str], str]


@dataclass(frozen=True)
class DocumentFrequencies:
    """In how many documents of a corpus each n-gram occurs."""

    counts: Mapping[str, int]
    documents: int


@lru_cache(maxsize=1)
def chat_rewrite() -> Rewrite:
    """The project's chat normaliser (the NLU pipeline's first step) as a plain text function."""
    normalisation = ChatNormalisation(load_lexicon(LEXICON))
    return lambda text: normalisation.normalise(text).text


@lru_cache(maxsize=4)
def background_frequencies(texts: tuple[str, ...], rewrite: Rewrite) -> DocumentFrequencies:
    """Document frequencies of the (rewritten) background corpus; kept, since it is the same training
    data on every call of a process (the console lists the inbox again and again)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(ANALYSE(rewrite(text))))
    return DocumentFrequencies(counts, len(texts))


def tfidf_vectors(texts: Sequence[str], background: DocumentFrequencies | None = None) -> csr_matrix | None:
    """L2-normalised TF-IDF rows of ``texts``, weighted like ``TfidfVectorizer(sublinear_tf=True)`` fitted
    on ``texts`` plus the background corpus (None when there is not a single n-gram).

    The background only changes the weights: a word every message has ("cara", "bagaimana")
    counts for less than the document it is about.
    """
    background = background or DocumentFrequencies({}, 0)
    counter = CountVectorizer(analyzer=ANALYSE)
    try:
        counts = counter.fit_transform(texts).astype(np.float64)
    except ValueError:  # an empty vocabulary
        return None
    vocabulary = counter.get_feature_names_out()
    frequencies = np.bincount(counts.indices, minlength=len(vocabulary)) + np.array(
        [background.counts.get(gram, 0) for gram in vocabulary])
    idf = np.log((1 + len(texts) + background.documents) / (1 + frequencies)) + 1
    counts.data = 1 + np.log(counts.data)
    return normalize(csr_matrix(counts.multiply(idf)))


def neighbours(vectors: csr_matrix | None, count: int, threshold: float,
               progress: Progress = no_progress) -> list[dict[int, float]]:
    """For each of ``count`` rows, the other rows at least ``threshold`` similar to it, with their similarity."""
    if vectors is None:
        return [{} for _ in range(count)]
    rows = max(1, BLOCK_CELLS // max(count, 1))
    result: list[dict[int, float]] = []
    for start in progress(range(0, count, rows), desc="grouping", total=-(-count // rows)):
        block = (vectors[start:start + rows] @ vectors.T).toarray()
        for offset, similarities in enumerate(block):
            close = np.flatnonzero(similarities >= threshold)
            result.append({int(j): float(similarities[j]) for j in close if j != start + offset})
    return result


def star_clusters(close: Sequence[dict[int, float]]) -> list[list[int]]:
    """Groups of indices from a similarity graph, leader first; leaders in index (priority) order."""
    leaders: list[int] = []
    is_leader = [False] * len(close)
    for index, others in enumerate(close):
        if not any(is_leader[other] for other in others if other < index):
            is_leader[index] = True
            leaders.append(index)
    members: dict[int, list[int]] = {leader: [leader] for leader in leaders}
    for index, others in enumerate(close):
        if not is_leader[index]:
            # the most similar leader; on a tie, the earlier (more frequent) one
            best = max((other for other in others if is_leader[other]), key=lambda other: (others[other], -other))
            members[best].append(index)
    return [members[leader] for leader in leaders]


def group_similar(texts: Sequence[str], threshold: float = DEFAULT_SIMILARITY, background: Sequence[str] = (),
                  rewrite: Rewrite | None = None, progress: Progress = no_progress) -> list[list[int]]:
    """Group ``texts`` (given in priority order) by similarity; returns lists of indices, leader first.

    ``rewrite`` (default: the chat normaliser) is applied to ``texts`` and ``background`` first.
    """
    if not texts:
        return []
    rewrite = rewrite or chat_rewrite()
    frequencies = background_frequencies(tuple(background), rewrite) if background else None
    vectors = tfidf_vectors([rewrite(text) for text in texts], frequencies)
    return star_clusters(neighbours(vectors, len(texts), threshold, progress))
