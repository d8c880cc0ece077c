"""The indexed RulePolicy finds exactly the rules Rasa's RulePolicy finds."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import SHOULD_NOT_BE_SET

from rasa_server.indexed_rule_policy import IndexedRulePolicy

ACTIONS = ["action_listen", "utter_greet", "book_queue_form", "action_deactivate_loop", SHOULD_NOT_BE_SET]
INTENTS = ["greet", "deny", "book_queue", "nlu_fallback", SHOULD_NOT_BE_SET]
LOOPS = ["book_queue_form", "nik_check_form", SHOULD_NOT_BE_SET]


@st.composite
def states(draw: Any) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    if draw(st.booleans()):
        state["prev_action"] = {"action_name": draw(st.sampled_from(ACTIONS))}
    if draw(st.booleans()):
        state["user"] = {"intent": draw(st.sampled_from(INTENTS))}
    if draw(st.booleans()):
        state["active_loop"] = {"name": draw(st.sampled_from(LOOPS))}
    return state


rule_keys = st.lists(st.lists(states(), min_size=1, max_size=4).map(json.dumps), max_size=40, unique=True)


def policy(kind: type[RulePolicy]) -> RulePolicy:
    # the rule-matching methods only use the rule keys: no trained policy needed
    return object.__new__(kind)


@settings(max_examples=300, deadline=None)
@given(keys=rule_keys, conversation=st.lists(states(), max_size=5))
def test_the_same_rules_match_as_with_rasas_rule_policy(keys: list[str], conversation: list[Any]) -> None:
    lookup = {key: "utter_x" for key in keys}
    assert policy(IndexedRulePolicy)._get_possible_keys(lookup, conversation) == \
        policy(RulePolicy)._get_possible_keys(lookup, conversation)


def test_a_changed_lookup_is_indexed_again() -> None:
    indexed = policy(IndexedRulePolicy)
    lookup = {json.dumps([{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]): "a"}
    conversation = [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "deny"}}]
    assert indexed._get_possible_keys(lookup, conversation) == set()
    lookup[json.dumps([{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "deny"}}])] = "b"
    assert len(indexed._get_possible_keys(lookup, conversation)) == 1
