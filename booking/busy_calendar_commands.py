"""`busy-calendar`: a therapist's own calendar read as busy time, from the command line.

    flask --app wsgi busy-calendar set PRACTITIONER_ID URL   keep the address (encrypted)
    flask --app wsgi busy-calendar clear PRACTITIONER_ID     forget it and its busy time
    flask --app wsgi busy-calendar sync                      read every address (for cron)

The address is a secret: nothing here prints it back, only its host.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from booking.clock import now_utc
from booking.domain.busy_calendar import PROBLEM_WORDS, AddressError
from booking.web import MAX_ROW_ID


def init_app(app: Flask) -> None:
    """Register the `busy-calendar` commands on the app."""
    app.cli.add_command(busy_calendar_group)


@click.group("busy-calendar")
def busy_calendar_group() -> None:
    """Therapists' own calendars (private ICS addresses), read as busy time."""


@busy_calendar_group.command("set")
@click.argument("practitioner_id", type=click.IntRange(1, MAX_ROW_ID))
@click.argument("url")
@with_appcontext
def set_command(practitioner_id: int, url: str) -> None:
    """Keep a therapist's private calendar address; it is read on the next sync."""
    from booking.services.busy_calendar import addresses
    from booking.services.staff import audit

    try:
        host = addresses.save_address(practitioner_id, url, audit.SYSTEM_ACTOR, now_utc())
    except AddressError as problem:
        raise click.ClickException(str(problem)) from None
    except addresses.UnknownPractitioner:
        raise click.ClickException(
            f"No therapist has the id {practitioner_id}; nothing was saved."
        ) from None
    click.echo(
        f"Saved the calendar address at {host} for therapist {practitioner_id}. It is read "
        "on the next sync (the worker's, or `busy-calendar sync`)."
    )


@busy_calendar_group.command("clear")
@click.argument("practitioner_id", type=click.IntRange(1, MAX_ROW_ID))
@with_appcontext
def clear_command(practitioner_id: int) -> None:
    """Forget a therapist's calendar address and the busy time read from it."""
    from booking.services.busy_calendar import addresses
    from booking.services.staff import audit

    try:
        had = addresses.remove_address(practitioner_id, audit.SYSTEM_ACTOR, now_utc())
    except addresses.UnknownPractitioner:
        raise click.ClickException(f"No therapist has the id {practitioner_id}.") from None
    if had:
        click.echo(f"Removed therapist {practitioner_id}'s calendar address and its busy time.")
    else:
        click.echo(f"Therapist {practitioner_id} had no calendar address; nothing changed.")


@busy_calendar_group.command("sync")
@with_appcontext
def sync_command() -> None:
    """Read every saved address now; exits 1 if any could not be read (for cron)."""
    from booking.services.busy_calendar import sync

    results = sync.read_all(now_utc())
    if not results:
        click.echo("No therapist has a calendar address saved.")
        return
    for result in results:
        who = f"{result.name} (therapist {result.practitioner_id})"
        if result.skipped:
            click.echo(f"{who}: the address changed while it was read; read next time.")
        elif result.problem is not None:
            click.echo(
                f"{who}: not read, {PROBLEM_WORDS[result.problem]}; the last good copy "
                "stays in use."
            )
        elif result.not_modified:
            click.echo(f"{who}: read, not changed since last time.")
        else:
            change = "changed" if result.changed else "no change"
            click.echo(f"{who}: read, {result.blocks} busy stretches ({change}).")
    if any(result.problem is not None for result in results):
        raise SystemExit(1)
