"""Extensions of the Rasa server's dialogue side: tracker store, rule policy, action-response validation.

The Rasa server imports this package when it loads the tracker store and the
policies, which is where the action-response validation is sped up (see
dialogue/action_response_validation.py).
"""

from dialogue.action_response_validation import install as _install_action_response_validation

_install_action_response_validation()
