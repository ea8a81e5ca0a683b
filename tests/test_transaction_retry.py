"""Transactions PostgreSQL aborts only because of concurrent writers are run again."""

import pytest
from sqlalchemy.exc import OperationalError

from booking.transactions import RETRY_ATTEMPTS, retry_conflicts


class Aborted(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str):
    calls = []

    @retry_conflicts
    def service() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("INSERT ...", {}, Aborted(sqlstate))
        return "done"

    return service, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_run_again(sqlstate):
    service, calls = failing(RETRY_ATTEMPTS - 1, sqlstate)
    assert service() == "done"
    assert len(calls) == RETRY_ATTEMPTS


def test_it_gives_up_after_the_last_attempt():
    service, calls = failing(RETRY_ATTEMPTS, "40P01")
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == RETRY_ATTEMPTS


def test_other_database_errors_are_not_retried():
    service, calls = failing(1, "08006")  # connection failure
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 1
