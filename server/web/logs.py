"""What the server writes to its logs: uvicorn's logging configuration, with a private access log."""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

from uvicorn.config import LOGGING_CONFIG

# The start of uvicorn's own --reload line, which names only the code folder (uvicorn/config.py).
UVICORN_WATCH_MESSAGE = "Will watch for changes"


class AccessFormatter(logging.Formatter):
    """One line per request: time (UTC), client address, method, path, status.

    The query string is left out: on a health site it can hold an email address or a symptom,
    next to the reader's IP address. So are the HTTP version and everything else uvicorn offers.
    """

    def format(self, record: logging.LogRecord) -> str:
        # uvicorn's access records carry these arguments, as its own AccessFormatter expects.
        client_addr, method, path_with_query, _http_version, status = record.args  # type: ignore[misc]
        path = str(path_with_query).partition("?")[0]
        moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        return f"{moment} {client_addr} {method} {path} {status}"


class ReloadNotice(logging.Filter):
    """Replaces uvicorn's --reload line, which names only the code folder, with the whole truth."""

    def __init__(self, notice: str) -> None:
        super().__init__()
        self.notice = notice

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(UVICORN_WATCH_MESSAGE):
            record.msg, record.args = self.notice, ()
        return True


def log_config(reload_notice: str | None = None) -> dict[str, Any]:
    """uvicorn's default logging, with the private access log and, when reloading, the reload notice."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"] = {"()": f"{__name__}.AccessFormatter"}
    if reload_notice is not None:
        config["filters"] = {"reload_notice": {"()": f"{__name__}.ReloadNotice", "notice": reload_notice}}
        config["loggers"]["uvicorn.error"]["filters"] = ["reload_notice"]
    return config
