"""Clients of the services the actions call: today the back office (``backoffice``)."""

from .backoffice import BackOfficeClient, shared_backoffice_client
from .circuit_breaker import CircuitBreaker, CircuitState
from .errors import BackOfficeError, BackOfficeRejected, BackOfficeUnavailable, CircuitOpenError
from .settings import BackOfficeSettings

__all__ = [
    "BackOfficeClient",
    "BackOfficeError",
    "BackOfficeRejected",
    "BackOfficeSettings",
    "BackOfficeUnavailable",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "shared_backoffice_client",
]
