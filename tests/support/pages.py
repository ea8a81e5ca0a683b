"""Reading the app's HTML responses in tests: the words on a page, and its form token."""

from __future__ import annotations

import re
from html import unescape


def text_of(response) -> str:
    """The words inside <main>, tags dropped, entities decoded and white space folded."""
    body = response.get_data(as_text=True)
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def csrf_token(response) -> str:
    """The form token of the first form on the page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))[1]
