"""Command-line tools, run as `flask --app wsgi COMMAND`."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from booking import busy_calendar_commands, client_commands
from booking.clock import now_utc
from booking.domain.statuses import StaffRole
from booking.encryption import EncryptionKeyError
from booking.passwords import password_problem
from booking.services.demo import demo_logins, practice_is_empty, seed_demo
from booking.web import MAX_ROW_ID


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(rotate_encryption_key_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(create_staff_command)
    app.cli.add_command(reset_second_factor_command)
    app.cli.add_command(purge_expired_command)
    client_commands.init_app(app)  # a client's data rights: client-export, client-erase
    busy_calendar_commands.init_app(app)  # therapists' own calendars as busy time


def _read_password(from_stdin: bool) -> str:
    """A new password: one line from standard input, or asked for twice without showing it."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException("No password on standard input (expected one line).")
        return line.rstrip("\r\n")
    return click.prompt(
        "Password (not shown as you type)",
        hide_input=True,
        confirmation_prompt="Type the password again",
    )


@click.command("create-staff")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in StaffRole]),
    help="What the account may do: admin, therapist or reception.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
@click.option(
    "--practitioner",
    "practitioner_id",
    type=click.IntRange(1, MAX_ROW_ID),
    help="The id of the therapist's diary this account looks after (therapist or admin).",
)
@with_appcontext
def create_staff_command(
    email: str, role: str, password_stdin: bool, practitioner_id: int | None
) -> None:
    """Add a staff account that can sign in at /login."""
    from booking.services.staff import audit
    from booking.services.staff.accounts import (
        UNKNOWN_DIARY,
        StaffAccountError,
        create_account,
        find_staff,
    )

    if find_staff(email) is not None:
        raise click.ClickException(
            f"There is already a staff account for {email.strip().lower()}; nothing was "
            "changed. An admin can change it on the dashboard's staff accounts page."
        )
    password = _read_password(password_stdin)
    problem = password_problem(password, email, current_app.config["PRACTICE_NAME"])
    if problem:
        raise click.ClickException(problem)
    try:
        user = create_account(
            audit.SYSTEM_ACTOR, email, StaffRole(role), password, now_utc(), practitioner_id
        )
    except StaffAccountError as problem:
        if problem.message == UNKNOWN_DIARY:
            raise click.ClickException(
                f"No therapist's diary has the id {practitioner_id}; nothing was added."
            ) from None
        raise click.ClickException(problem.message) from None
    article = "an" if role[0] in "aeiou" else "a"
    click.echo(f"Added {article} {role} account for {user.email}. They can sign in at /login.")


@click.command("reset-second-factor")
@click.argument("email")
@with_appcontext
def reset_second_factor_command(email: str) -> None:
    """Forget a staff account's authenticator app (for the last admin, who has no colleague
    to do it on the dashboard): it sets one up again at its next sign-in. Audited."""
    from booking.services.staff import audit
    from booking.services.staff import second_factor as factors
    from booking.services.staff.accounts import find_staff

    user = find_staff(email)
    if user is None:
        raise click.ClickException(f"No staff account has the email {email.strip().lower()}.")
    if not factors.reset(audit.SYSTEM_ACTOR, user.id, now_utc()):
        click.echo(f"{user.email} has no two-factor sign-in set up; nothing was changed.")
        return
    click.echo(
        f"Reset two-factor sign-in for {user.email}: signed out everywhere; they set up "
        "their app again at their next sign-in."
    )


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@with_appcontext
def purge_expired_command(dry_run: bool) -> None:
    """Remove records past their keeping time (never the audit trail)."""
    from booking.services.privacy.retention import purge_expired

    report = purge_expired(now_utc(), dry_run=dry_run)
    heading = "Would remove (dry run, nothing removed):" if dry_run else "Removed:"
    click.echo(heading)
    for label, count in report.lines():
        click.echo(f"  {label}: {count}")


@click.command("seed-demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only add the demo practice to a database with no practitioners or services yet.",
)
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Add a demo practice: two therapists, services, 8 weeks of hours, staff logins."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("seed-demo adds known passwords; it will not run in production.")
    if if_empty and not practice_is_empty():
        click.echo("The database already has a practice in it; no demo data added.")
    else:
        report = seed_demo(now_utc(), current_app.config["PRACTICE_TIMEZONE"])
        if report.added:
            added = ", ".join(f"{kind}: {count}" for kind, count in report.added.items())
            click.echo(f"Demo practice added: {added}.")
        else:
            click.echo("Demo practice already in place; nothing added.")
    logins = demo_logins()
    if logins:
        click.echo("\nDemo staff logins (for trying the app only):")
        for email, role, password in logins:
            click.echo(f"  {role:<10} {email:<32} password: {password}")
        click.echo(
            "Therapist and admin logins ask for a code from an authenticator app: the first "
            "sign-in shows a QR code to set one up."
        )


@click.command("rotate-encryption-key")
@with_appcontext
def rotate_encryption_key_command() -> None:
    """Re-encrypt every stored health answer with the first key in FIELD_ENCRYPTION_KEY."""
    from booking.services.privacy.keys import rotate_encryption

    try:
        count = rotate_encryption()
    except EncryptionKeyError as problem:
        raise click.ClickException(
            f"{problem}. Keep the old key in the list (after the new one) until this has run."
        ) from None
    click.echo(f"Re-encrypted {count} stored values with the newest key.")


@click.group("outbox")
def outbox_group() -> None:
    """Send the messages waiting in the outbox."""


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="One pass, then stop (for cron).")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def outbox_run_command(once: bool, interval: float) -> None:
    """Send due messages, retrying with back-off; with --once, one pass for cron."""
    from booking.services.messaging import outbox
    from booking.services.waitlist import offers

    if once:
        waiting = offers.offer_free_times(now_utc())  # first, so its offers go in this pass
        report = outbox.run_once(now_utc)
        click.echo(
            f"Outbox: {report.sent} sent, {report.retrying} to try again, "
            f"{report.failed} failed, {report.dropped} no longer needed, "
            f"{report.to_phone} texts to phone instead."
        )
        if waiting:
            click.echo(
                f"Waiting list: {waiting.offered} times offered, {waiting.gone} gone, "
                f"{waiting.expired} offers ended, {waiting.closed} places closed."
            )
        return
    from booking.services.messaging.worker import run_worker

    click.echo("Sending outbox messages; press Ctrl+C to stop.")
    stop = threading.Event()
    # systemd (and most supervisors) stop a service with SIGTERM: finish the message in
    # hand, then stop, as on Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        run_worker(now_utc, interval, stop=stop)
    click.echo("Stopped.")


@outbox_group.command("backfill")
@with_appcontext
def outbox_backfill_command() -> None:
    """After upgrading: queue the reminders (calls and texts too) that older bookings lack."""
    from booking.services.messaging.backfill import queue_missing_reminders

    report = queue_missing_reminders(now_utc())
    click.echo(
        f"Reminder ways read for {report.clients} clients; "
        f"reminders checked for {report.bookings} bookings."
    )
