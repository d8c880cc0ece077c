"""What runs inside the Rasa server besides the NLU components (nlu/), loaded by Rasa from
credentials.yml, endpoints.yml and config.yml:

- gateway_channel: the gateway's input channel (answers carry the turn's NLU result);
- compacting_tracker_store and turn_capture: the tracker store that keeps long conversations fast;
- atomic_lock_store: the Redis lock store several Rasa servers share (production profile);
- event_broker: the RabbitMQ event broker without per-event deep copies (production profile);
- indexed_rule_policy: RulePolicy with an index over its rules;
- action_response_validation: the action server's answers validated with a cached validator,
  installed when Rasa imports this package.

Nothing here is imported by the gateway, the action server or the back office.
"""

from rasa_server.action_response_validation import install as _install_action_response_validation

_install_action_response_validation()
