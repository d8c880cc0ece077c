"""Similar chat messages end up in one group; different requests do not; the result is deterministic."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.retraining.grouping import background_frequencies, group_similar, star_clusters, tfidf_vectors

KTP_HOW = ["gmn cara bikin ktp", "gimana cara bkin ktp", "gmn caranya bikin ktp", "bikin ktp gmn caranya kak",
           "cara bikin e ktp gimana"]
KTP_LOST = ["ktp sy ilang gmn", "ktp saya hilang gimana ngurusnya"]
OPENING = ["jam brp mpp buka", "mpp buka jam berapa", "mpp bukanya jam brp ya"]
PASSPORT = ["paspor bisa di mpp", "bikin paspor di mpp bisa gk"]
OTHERS = ["asdfgh", "kk sy ilang", "skck bisa diurus di mpp"]


def texts_of(texts: list[str], groups: list[list[int]]) -> list[set[str]]:
    return [{texts[index] for index in group} for group in groups]


def test_slang_typos_and_word_order_do_not_split_a_request() -> None:
    texts = [*KTP_HOW, *KTP_LOST, *OPENING, *PASSPORT, *OTHERS]
    groups = texts_of(texts, group_similar(texts))
    assert set(KTP_HOW) in groups
    assert set(KTP_LOST) in groups
    assert set(OPENING) in groups
    assert set(PASSPORT) in groups
    assert all({text} in groups for text in OTHERS)


def test_the_first_text_of_a_group_is_its_leader() -> None:
    texts = ["mpp buka jam berapa", "jam brp mpp buka", "asdfgh"]
    assert group_similar(texts) == [[0, 1], [2]]


def test_grouping_is_deterministic() -> None:
    texts = [*OPENING, *KTP_HOW, *OTHERS]
    assert group_similar(texts) == group_similar(list(texts))


def test_a_high_threshold_keeps_near_duplicates_only() -> None:
    texts = ["gmn cara bikin ktp", "gimana cara bkin ktp", "ktp sy ilang gmn"]
    assert texts_of(texts, group_similar(texts, threshold=0.95)) == [
        {"gmn cara bikin ktp", "gimana cara bkin ktp"}, {"ktp sy ilang gmn"}]


def test_star_clusters_do_not_chain() -> None:
    # a~b and b~c but not a~c: single-link would make one group; here c starts its own
    close = [{1: 0.7}, {0: 0.7, 2: 0.7}, {1: 0.7}]
    assert star_clusters(close) == [[0, 1], [2]]


def test_a_member_joins_the_leader_it_is_most_similar_to() -> None:
    close = [{2: 0.65}, {2: 0.9}, {0: 0.65, 1: 0.9}]
    assert star_clusters(close) == [[0], [1, 2]]


def test_no_texts_no_groups() -> None:
    assert group_similar([]) == []


def test_the_weights_are_tfidf_over_the_inbox_and_the_background() -> None:
    texts, background = [*KTP_HOW, *OPENING], [*KTP_LOST, *PASSPORT, *OTHERS]
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit([*texts, *background])
    expected = reference.transform(texts)
    actual = tfidf_vectors(texts, background_frequencies(tuple(background), str))
    assert actual is not None
    assert np.allclose((actual @ actual.T).toarray(), (expected @ expected.T).toarray())


def test_a_chain_of_similar_texts_is_cut_at_its_weak_link() -> None:
    # single-link at 0.5 would make one group: ktp ~ kk (0.54), kk ~ syarat kk (0.78), ktp ~ syarat kk (0.31)
    texts = ["cara bikin ktp", "syarat bikin kk", "cara bikin kk"]
    groups = texts_of(texts, group_similar(texts, threshold=0.5))
    assert groups == [{"cara bikin ktp"}, {"syarat bikin kk", "cara bikin kk"}]
