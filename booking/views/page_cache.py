"""Public pages kept, rendered, for as long as nothing they show can have changed.

The times page and the list of sessions are what a tired client waits for, and they are the
same for every visitor. Each worker process keeps the pages it rendered, each with:

- the database's availability version when it was rendered (booking/models/changes.py):
  triggers move it with every change to bookings, hours, openings, closures, services,
  therapists or settings, by whoever makes it, so any change makes every kept page stale;
- the moment time alone would change it: the first time it offers stops being bookable
  (minimum notice), or "today" becomes yesterday. Nothing is kept longer than MAX_AGE.

The version is read before the page's data, so a page is never kept under a version newer
than what it shows. Only GETs the same for everyone are kept: a page with a message for this
visitor (a flash), or with a form (its token is theirs), is rendered for them alone.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request, session
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError

from booking.clock import now_utc
from booking.extensions import db

log = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=5)
PAGES_KEPT = 512  # per worker; the least recently used go first


@dataclass(frozen=True)
class _Kept:
    version: tuple[str, int]
    body: str
    fresh_until: datetime


class PageCache:
    """Rendered pages by path and query string, least recently used dropped first."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._pages: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers share a process
        self._reader: Engine | None = None

    def reader(self) -> Engine:
        """An engine of its own for reading the version: one connection, no transaction,
        and no ping before each use (a ping is a second round trip on every kept page; a
        connection the server dropped fails its read instead, and the read is tried again
        on a new one). SQLite needs no network, so it shares the app's engine."""
        if db.engine.dialect.name == "sqlite":
            return db.engine
        if self._reader is None:
            self._reader = create_engine(
                db.engine.url,
                pool_size=1,
                max_overflow=4,
                pool_pre_ping=False,
                isolation_level="AUTOCOMMIT",
                connect_args={"connect_timeout": 10},
            )
        return self._reader

    def close(self) -> None:
        """Close the version reader's connection (the app is being thrown away)."""
        if self._reader is not None:
            self._reader.dispose()
            self._reader = None

    def get(self, key: str) -> _Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
            return kept

    def put(self, key: str, kept: _Kept) -> None:
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()


_VERSION = "SELECT generation, version FROM availability_version WHERE id = 1"


def availability_version() -> tuple[str, int] | None:
    """The database's (generation, version), or None when it keeps none (caching off).

    Read on a connection of its own without a transaction: one round trip instead of
    BEGIN, SELECT and ROLLBACK, on the path every kept page takes. Any page rendered after
    it reads data at least as new (the safe way round).
    """
    reader = current_app.extensions["page_cache"].reader()
    for attempt in (1, 2):
        try:
            with reader.connect() as connection:
                if reader is db.engine:  # SQLite: the app's engine, so no transaction here
                    connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                row = connection.exec_driver_sql(_VERSION).first()
            break
        except DBAPIError as error:
            if error.connection_invalidated and attempt == 1:
                continue  # a dropped connection is thrown away: try a new one, once
            # No table (migrations not run yet) or no database: keep nothing. If the database
            # is really gone, the page's own reads say so to the visitor.
            log.warning("page versions unreadable, pages not kept: %s", error.orig)
            return None
    return None if row is None else (row[0], row[1])


def _keepable() -> bool:
    return request.method == "GET" and "_flashes" not in session


def kept_page(render: Callable[[], tuple[str, datetime | None]]) -> str:
    """The page `render` makes, kept while it stays true. `render` returns the HTML and the
    moment time alone would change it (None: only MAX_AGE limits it)."""
    if not _keepable():
        return render()[0]
    version = availability_version()  # before the page's own reads: see the module's note
    if version is None:
        return render()[0]
    cache: PageCache = current_app.extensions["page_cache"]
    key = request.full_path
    now = now_utc()
    kept = cache.get(key)
    if kept is not None and kept.version == version and now < kept.fresh_until:
        return kept.body
    body, changes_at = render()
    if "csrf_token" in g:  # the page holds this visitor's own form token: never share it
        return body
    fresh_until = now + MAX_AGE if changes_at is None else min(changes_at, now + MAX_AGE)
    if now < fresh_until:
        cache.put(key, _Kept(version, body, fresh_until))
    return body
