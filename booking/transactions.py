"""Write transactions: how services change the database."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from booking.extensions import db

_OPEN = "write_transaction_open"
_WROTE = "transaction_has_writes"


@contextmanager
def write_transaction(*, keep_loaded: bool = False) -> Iterator[Session]:
    """Run the block in one transaction that commits at the end and rolls back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so it holds the write lock from its
    first read: a check such as "is this time still free?" cannot be overtaken by another
    writer before the insert. (PostgreSQL's guarantees come from its constraints.)

    The block must not commit, roll back or open another write_transaction(): one service
    call is one transaction. With `keep_loaded`, objects keep the values they had at commit
    instead of reading them again when next used: for a service whose caller answers with
    what it has just written (and nothing else could have changed it meanwhile).
    """
    session = db.session()  # the request's own Session behind the scoped proxy
    if session.info.get(_OPEN):
        raise RuntimeError("write_transaction() is already open: call plain helpers inside it")
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
            raise RuntimeError("uncommitted writes before write_transaction(); services own writes")
        # End the request's read-only transaction (e.g. loading the signed-in user), so the
        # write transaction starts afresh with the lock; loaded objects simply reload.
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    transaction = session.get_transaction()
    session.info[_OPEN] = True
    try:
        yield session
        if session.get_transaction() is not transaction:
            raise RuntimeError("the transaction ended inside write_transaction(); let it commit")
        expire, session.expire_on_commit = session.expire_on_commit, not keep_loaded
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_OPEN, None)


# Remember whether the current transaction has written anything, flushed or executed, so that
# write_transaction() never silently rolls back work it did not see.


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session: Session, _flush_context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_executed_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


# PostgreSQL may abort one of several transactions that wait on each other's uncommitted rows
# (an exclusion constraint checked by many writers at once can deadlock). Running the whole
# transaction again is the documented remedy; the second run sees the winner's row.
_RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
RETRY_ATTEMPTS = 4

P = ParamSpec("P")
R = TypeVar("R")


def is_retryable(error: BaseException) -> bool:
    """True for a transaction the database aborted only because of concurrent writers."""
    if not isinstance(error, OperationalError):
        return False
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def retry_conflicts(service: Callable[P, R]) -> Callable[P, R]:
    """Run a service that owns one write_transaction() again if the database aborted it."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return service(*args, **kwargs)
            except OperationalError as error:
                if not is_retryable(error) or attempt == RETRY_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return run
