"""Command-line tools, run as `flask --app wsgi COMMAND`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from booking.clock import now_utc
from booking.encryption import EncryptionKeyError
from booking.services.demo import demo_logins, practice_is_empty, seed_demo


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(rotate_encryption_key_command)
    app.cli.add_command(outbox_group)


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


@click.command("rotate-encryption-key")
@with_appcontext
def rotate_encryption_key_command() -> None:
    """Re-encrypt every stored health answer with the first key in FIELD_ENCRYPTION_KEY."""
    from booking.services.privacy import rotate_encryption

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
    from booking.services import outbox

    if once:
        report = outbox.run_once(now_utc)
        click.echo(
            f"Outbox: {report.sent} sent, {report.retrying} to try again, "
            f"{report.failed} failed, {report.dropped} no longer needed."
        )
        return
    click.echo("Sending outbox messages; press Ctrl+C to stop.")
    try:
        outbox.run_forever(now_utc, interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")
