"""Rasa's Redis lock store, safe when several Rasa servers share it.

Rasa's ``RedisLockStore`` changes a conversation's ticket lock by reading it, changing it in
Python and writing it back. Within one server that is harmless (the Redis client blocks the event
loop between the read and the write); two servers interleave: both read tickets [3], both issue
ticket 4 and both believe they are served, so two turns of one conversation run side by side and
one overwrites the other's events in the tracker store (seen in CI: 7 of 10 messages lost). A
cleanup can likewise delete a ticket another server has just issued.

Here every change of a lock — issuing a ticket, dropping expired ones, giving one back — is one
optimistic Redis transaction (WATCH the key, MULTI/EXEC the new value, retried when another
server changed the key in between). The stored format is Rasa's, so both kinds of server can
share a Redis during a rolling upgrade. The key also expires with its last ticket, so a server
that died holding a ticket leaves nothing behind.

Issuing and giving back a ticket, twice per turn, run as one Lua script each (``_SCRIPT``, atomic
in Redis, one round trip) instead of a WATCH/GET/MULTI/EXEC transaction (three round trips and
redis-py's pipeline machinery): under load the two transactions were about 9 % of the Rasa
server's time. The script is Rasa's ``TicketLock`` logic (rasa/core/lock.py, checked against Rasa
3.6.21) with the time passed by the server, so tickets expire by the servers' clocks as before;
the optimistic transaction stays for ``update_lock`` (only called while waiting for a lock).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")

# kept a little longer than the last ticket, so an expiring key never races the ticket's own expiry
_KEY_EXPIRY_MARGIN_S = 5.0

# KEYS[1] the lock's key; ARGV: conversation id, now (s), "issue" or "return", lifetime (s) or ticket
# number, key expiry margin (s). Stores Rasa's format: {"conversation_id", "tickets": [JSON strings]}.
_SCRIPT = """
local now = tonumber(ARGV[2])
local conversation_id = ARGV[1]
local kept = {}
local stored = redis.call('GET', KEYS[1])
if stored then
  local lock = cjson.decode(stored)
  if type(lock.conversation_id) == 'string' then conversation_id = lock.conversation_id end
  for _, text in ipairs(lock.tickets or {}) do
    local ticket = cjson.decode(text)
    if not (now > ticket.expires) then kept[#kept + 1] = ticket end
  end
end
local result = 0
if ARGV[3] == 'issue' then
  result = (#kept > 0) and (kept[#kept].number + 1) or 0
  kept[#kept + 1] = {number = result, expires = now + tonumber(ARGV[4])}
else
  local number = tonumber(ARGV[4])
  for index, ticket in ipairs(kept) do
    if ticket.number == number then table.remove(kept, index) break end
  end
end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
  return result
end
local texts, last_expiry = {}, kept[1].expires
for index, ticket in ipairs(kept) do
  texts[index] = cjson.encode({number = ticket.number, expires = ticket.expires})
  if ticket.expires > last_expiry then last_expiry = ticket.expires end
end
local lifetime_ms = math.max(math.floor((last_expiry - now + tonumber(ARGV[5])) * 1000), 1)
redis.call('SET', KEYS[1], cjson.encode({conversation_id = conversation_id, tickets = texts}), 'PX', lifetime_ms)
return result
"""


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose read-modify-write steps are Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded by module path from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._script = self.red.register_script(_SCRIPT)  # EVALSHA, loaded again if Redis lost it

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._run_script(conversation_id, "issue", lock_lifetime)
        except Exception as problem:  # Rasa's contract: the caller handles LockError
            raise LockError(f"Error while acquiring lock. Error:\n{problem}") from problem

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._run_script(conversation_id, "return", ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # giving the ticket back and deleting an empty lock happen in the same transaction
        self.finish_serving(conversation_id, ticket_number)

    def _run_script(self, conversation_id: str, operation: str, argument: float) -> int:
        """Issue ("issue", argument: lifetime) or give back ("return", argument: number) a ticket."""
        return int(self._script(keys=[self.key_prefix + conversation_id],
                                args=[conversation_id, repr(time.time()), operation, repr(argument),
                                      repr(_KEY_EXPIRY_MARGIN_S)]))

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Result]) -> Result:
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Result:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else TicketLock(conversation_id)
            result = change(lock)
            pipe.multi()
            if lock.tickets:
                last_expiry = max(ticket.expires for ticket in lock.tickets)
                lifetime_ms = int((last_expiry - time.time() + _KEY_EXPIRY_MARGIN_S) * 1000)
                pipe.set(key, lock.dumps(), px=max(lifetime_ms, 1))
            else:
                pipe.delete(key)
            return result

        result: Result = self.red.transaction(attempt, key, value_from_callable=True)
        return result
