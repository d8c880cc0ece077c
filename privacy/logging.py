"""A logging filter that masks personal data in every log line of a process."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from privacy.masking import mask_personal_data


class PersonalDataFilter(logging.Filter):
    """Rewrite each record so that NIKs, phone numbers and e-mails are masked.

    The message is formatted once (``msg % args``), masked, and stored as
    ``msg`` with ``args`` cleared: masking the arguments separately would miss
    numbers split between the format string and its arguments. Exception and
    stack texts are masked too, since exception messages often quote input.
    Attached to a handler, it never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break the caller: keep its parts, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def install_personal_data_filter(logger_names: Iterable[str] = ("",)) -> list[logging.Handler]:
    """Add a :class:`PersonalDataFilter` to every handler of the named loggers (default: the root logger).

    Filters on handlers see the records propagated from all child loggers,
    which filters on loggers do not. Call it after logging is configured
    (handlers added later are not covered); calling it again adds no
    duplicates. Returns the handlers that got the filter.
    """
    installed: list[logging.Handler] = []
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(existing, PersonalDataFilter) for existing in handler.filters):
                handler.addFilter(PersonalDataFilter())
                installed.append(handler)
    return installed
