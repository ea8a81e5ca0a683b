"""Static files under content-hashed URLs, cached for a year and sent compressed.

`url_for('static', filename='style.css')` gives `/static/<hash>/style.css`, where the hash is
taken from the file's bytes when the app starts: a changed file gets a new URL, so browsers
and proxies may keep each URL for good (`immutable`) and a page never meets a stale style.
The bytes and a gzip copy are read once and kept in memory (the files are a few KB each), and
the gzip copy goes to clients that accept it.

The plain `/static/style.css` still answers (`no-cache`), for old pages and bookmarks. A
hashed URL whose hash is not the file's current one redirects to the current URL rather
than serve new bytes under an old name. Only files found at start-up are served, so no path
from a request ever reaches the file system. A file is the same for everyone, so its answer
does not vary on the session cookie either (see `_same_for_every_session`).

HTML is not compressed here: it changes with every page, and compressing it in the worker
costs the CPU that keeps the times page fast. The proxy in front does it (README).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, redirect, request, request_finished, url_for

ONE_YEAR = 31_536_000
ENDPOINTS = ("static", "static_plain")
HASH_LENGTH = 12
COMPRESS_AT_LEAST = 512  # bytes; below this gzip's own framing eats the saving


@dataclass(frozen=True)
class Asset:
    """One static file as served: its bytes, a gzip copy if it pays, and their hash."""

    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


def load_assets(folder: Path) -> dict[str, Asset]:
    """Every file under `folder`, by its path relative to it (with forward slashes)."""
    assets = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        body = path.read_bytes()
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets[path.relative_to(folder).as_posix()] = Asset(
            body=body,
            gzipped=gzipped
            if len(body) >= COMPRESS_AT_LEAST and len(gzipped) < len(body)
            else None,
            digest=hashlib.sha256(body).hexdigest()[:HASH_LENGTH],
            mimetype=mimetype,
        )
    return assets


def init_app(app: Flask, folder: Path | None = None) -> None:
    """Serve `folder` (default booking/static) under hashed URLs as the `static` endpoint."""
    folder = folder or Path(__file__).resolve().parent / "static"
    app.extensions["static_assets"] = load_assets(folder)
    app.add_url_rule("/static/<digest>/<path:filename>", "static", serve_hashed)
    app.add_url_rule("/static/<path:filename>", "static_plain", serve_plain)

    @app.url_defaults
    def hash_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "digest" not in values:
            asset = app.extensions["static_assets"].get(values.get("filename"))
            values["digest"] = asset.digest if asset else "missing"

    request_finished.connect(_same_for_every_session, app)


def _same_for_every_session(sender: Flask, response: Response, **extra: object) -> None:
    # Flask adds `Vary: Cookie` once anything has looked at the session (Flask-Login does after
    # every request), and only after the after_request hooks, so it is taken off here. Left on,
    # a browser fetches its "immutable" stylesheet again whenever the session cookie changes,
    # as it does on the booking form, and a shared cache keeps a copy per visitor.
    if request.endpoint in ENDPOINTS and response.status_code in (200, 304):
        response.vary.discard("cookie")  # lower case: Werkzeug 3.1 misses "Cookie" here


def _asset(filename: str) -> Asset:
    asset = current_app.extensions["static_assets"].get(filename)
    if asset is None:
        abort(404)
    return asset


def _send(asset: Asset, cache_control: str) -> Response:
    gzip_wanted = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    response = Response(asset.gzipped if gzip_wanted else asset.body, mimetype=asset.mimetype)
    if gzip_wanted:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    # Weak: the gzip copy and the plain bytes are the same content, not the same bytes.
    response.set_etag(asset.digest, weak=True)
    return response.make_conditional(request)


def serve_hashed(digest: str, filename: str) -> Response:
    """A file at its hashed URL: kept for a year by anyone."""
    if f"{digest}/{filename}" in current_app.extensions["static_assets"]:
        return serve_plain(f"{digest}/{filename}")  # the plain URL of a file in a subfolder
    asset = _asset(filename)
    if digest != asset.digest:  # an old page asking for an old version: send it to the new
        return redirect(url_for("static", filename=filename))
    return _send(asset, f"public, max-age={ONE_YEAR}, immutable")


def serve_plain(filename: str) -> Response:
    """A file at its plain URL (old pages, bookmarks): checked again on every use."""
    return _send(_asset(filename), "no-cache")
