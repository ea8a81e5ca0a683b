"""A client's data rights from the command line: `client-export` and `client-erase`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from booking.clock import now_utc


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(client_export_command)
    app.cli.add_command(client_erase_command)


def _client_id(reference: str) -> int:
    from booking.services.privacy.lookup import ClientNotFound, client_by_reference

    try:
        return client_by_reference(reference).id
    except ClientNotFound as problem:
        raise click.ClickException(str(problem)) from None


@click.command("client-export")
@click.argument("client")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the zip (data.json and report.html).",
)
@with_appcontext
def client_export_command(client: str, out: Path) -> None:
    """Write everything held about CLIENT (an id or email) to a zip, for their request."""
    from booking.services.privacy.export import export_client
    from booking.services.staff import audit

    client_id = _client_id(client)
    export = export_client(client_id, audit.SYSTEM_ACTOR, now_utc())
    if export is None:  # removed between the look-up and the export
        raise click.ClickException(f"No client has the id {client_id}.")
    out.write_bytes(export.content)
    click.echo(f"Wrote everything held about client {client_id} to {out}.")
    click.echo("It holds health answers: send it to the client securely, then delete it here.")


@click.command("client-erase")
@click.argument("client")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
@with_appcontext
def client_erase_command(client: str, yes: bool) -> None:
    """Erase CLIENT's (an id or email) personal details; their sessions stay, anonymous."""
    from booking.services.privacy.erasure import ErasureRefused, erase_client
    from booking.services.staff import audit

    client_id = _client_id(client)
    if not yes:
        raise click.ClickException(
            f"Erasing client {client_id} cannot be undone; run again with --yes to go ahead."
        )
    try:
        report = erase_client(client_id, audit.SYSTEM_ACTOR, now_utc())
    except ErasureRefused as refused:
        raise click.ClickException(f"Not erased: {refused.reason}") from None
    if report is None:
        raise click.ClickException(f"No client has the id {client_id}.")
    click.echo(f"Erased client {client_id}: {report.detail()}.")
