"""Reading the app's pages in tests: the words on a page, its form token, and how many database
queries it took."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import event

from booking.extensions import db


def text_of(response) -> str:
    """The words inside <main>, tags dropped, entities decoded and white space folded."""
    body = response.get_data(as_text=True)
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def csrf_token(response) -> str:
    """The form token of the first form on the page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))[1]


def count_queries(app, client, path: str) -> int:
    """How many SQL statements the client's GET of `path` ran (the page must answer 200)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)
