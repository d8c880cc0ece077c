"""Rasa's RulePolicy, with rule lookups that do not slow down as rules are added.

RulePolicy checks every rule against the conversation on every prediction and
parses each rule from JSON again whenever its cache of 1,000 entries
overflows. The form rules (data/rules/forms.yml, one per form and intent) make
about a thousand rule keys, and the policy took over half of a turn's time
(docs/benchmarks.md). This subclass gives the same answers faster:

- each rule key is parsed once;
- a rule can only apply if its last state has the conversation's previous
  action and, when it names one, the conversation's intent; rules are indexed
  by those two values, so only the few candidates are checked with Rasa's own
  matching code.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

State = dict[str, dict[str, Any]]
_Signature = tuple[Any, Any]


def _named(value: Any) -> Any:
    """A value a rule requires (Rasa's "should not be set" marker and empty values require nothing equal)."""
    return None if not value or value == SHOULD_NOT_BE_SET else value


def _signature(state: State) -> _Signature:
    """(previous action name, intent) of a state; None where the state does not require one.

    A state without a previous action starts a conversation: Rasa matches it
    with any other such state whatever the intent, so it requires nothing here.
    """
    action = _named(state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME))
    return (action, _named(state.get(USER, {}).get(INTENT))) if action else (None, None)


class _RuleIndex:
    """The rule keys of one lookup table, parsed once and grouped by the signature of their last state."""

    def __init__(self, keys: list[str], parse: Any) -> None:
        self.reversed_states: dict[str, list[State]] = {key: list(reversed(parse(key))) for key in keys}
        self._by_signature: dict[_Signature, set[str]] = defaultdict(set)
        for key, states in self.reversed_states.items():
            action, intent = _signature(states[0]) if states else (None, None)
            self._by_signature[(action, intent)].add(key)

    def candidates(self, current: State) -> set[str]:
        """Keys whose last state can match ``current`` (a rule that names a value must have the same one)."""
        action, intent = _signature(current)
        found: set[str] = set()
        for signature in {(action, intent), (action, None), (None, intent), (None, None)}:
            found |= self._by_signature.get(signature, set())
        return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IndexedRulePolicy(RulePolicy):
    """RulePolicy with an index over its rules (same predictions; see the module docstring)."""

    def _index(self, lookup: dict[str, str]) -> _RuleIndex:
        indexes: dict[int, tuple[dict[str, str], _RuleIndex]] = self.__dict__.setdefault("_rule_indexes", {})
        cached = indexes.get(id(lookup))
        if cached is None or cached[0] is not lookup or len(cached[1].reversed_states) != len(lookup):
            cached = (lookup, _RuleIndex(list(lookup), self._rule_key_to_state))
            indexes[id(lookup)] = cached
        return cached[1]

    def _get_possible_keys(self, lookup: dict[str, str], states: list[State]) -> set[str]:
        if not states:
            return set(lookup)
        index = self._index(lookup)
        possible = index.candidates(states[-1])
        for turn_index, state in enumerate(reversed(states)):
            possible = {key for key in possible if self._applicable(index, key, turn_index, state)}
        return possible

    def _applicable(self, index: _RuleIndex, rule_key: str, turn_index: int, conversation_state: State) -> bool:
        """Rasa's ``_is_rule_applicable`` on the parsed rule (the same conditions, in the same order)."""
        reversed_rule_states = index.reversed_states[rule_key]
        if turn_index >= len(reversed_rule_states):
            return True
        current_previous_action = conversation_state.get(PREVIOUS_ACTION)
        rule_previous_action = reversed_rule_states[turn_index].get(PREVIOUS_ACTION)
        if not rule_previous_action and not current_previous_action:
            return True
        if not rule_previous_action or not current_previous_action:
            return False
        return self._does_rule_match_state(reversed_rule_states[turn_index], conversation_state)
