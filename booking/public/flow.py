"""Where the booking steps live: on the site itself, or in a frame on the practice's own site.

The steps are the same views either way (routes.py); a Flow only says which addresses their
links and forms point to, which layout frames them and which form token they carry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import url_for

from booking.public.forms import ConfirmForm, FramedConfirmForm
from booking.views.embedding import open_draft

STEPS = ("choose_service", "choose_time", "details", "confirm", "booked")


@dataclass(frozen=True)
class Flow:
    """The booking steps' addresses, layout and form in one place."""

    embedded: bool
    # In a frame the session cookie is not sent, so the details typed so far ride along in
    # the links (sealed: views/embedding.py) while the client changes the time or session.
    draft: str | None = None

    def carrying(self, sealed: str | None) -> Flow:
        """This flow with its links carrying a sealed draft (ignored unless it opens)."""
        if not self.embedded or open_draft(sealed) is None:
            return replace(self, draft=None)
        return replace(self, draft=sealed)

    def typed(self) -> dict[str, object]:
        """The details the links carry (empty if none)."""
        return open_draft(self.draft) or {}

    def endpoint(self, step: str) -> str:
        """The endpoint of a step (choose_service, choose_time, details, confirm, booked)."""
        if step not in STEPS:
            raise ValueError(f"unknown booking step {step!r}")
        return f"public.embed_{step}" if self.embedded else f"public.{step}"

    def url(self, step: str, **values: object) -> str:
        """A link to a step, staying in the frame when in one."""
        if self.draft and step != "booked":
            values["draft"] = self.draft
        return url_for(self.endpoint(step), **values)

    def action(self, step: str, **values: object) -> str:
        """Where a form posts: the form itself holds what was typed, so no draft rides along."""
        return url_for(self.endpoint(step), **values)

    @property
    def layout(self) -> str:
        """The page around the steps: the whole site, or the frame's minimal chrome."""
        return "embed/layout.html" if self.embedded else "base.html"

    @property
    def form(self) -> type[ConfirmForm]:
        """The details form: the framed one needs no session cookie for its token."""
        return FramedConfirmForm if self.embedded else ConfirmForm


ON_SITE = Flow(embedded=False)
FRAMED = Flow(embedded=True)
