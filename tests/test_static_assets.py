"""Static files: content-hashed URLs kept for a year, gzip for those who take it, and the
plain URLs still working for old pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask import Flask

from booking.domain.statuses import StaffRole
from booking.static_assets import init_app, load_assets
from booking.web import CONTENT_SECURITY_POLICY
from tests.support.booking import book_as_client
from tests.support.intake import intake_link
from tests.support.staff import signed_in_client

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "booking" / "static"


def linked(client, path: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', client.get(path).get_data(as_text=True))


def test_pages_link_each_file_by_a_hash_of_its_bytes(client):
    (stylesheet,) = linked(client, "/book")
    digest = load_assets(STATIC)["style.css"].digest
    assert stylesheet == f"/static/{digest}/style.css"


def test_every_layout_links_its_files_by_hash(app, practice, client):
    digests = {name: asset.digest for name, asset in load_assets(STATIC).items()}
    staff = signed_in_client(app, StaffRole.ADMIN)
    questionnaire = intake_link(client, book_as_client(app))

    assert f"/static/{digests['staff.css']}/staff.css" in linked(staff, "/dashboard/")
    assert linked(client, f"{questionnaire}/about") == [
        f"/static/{digests['style.css']}/style.css",
        f"/static/{digests['intake.js']}/intake.js",
    ]


def test_a_hashed_url_is_kept_for_a_year_and_gzipped_for_those_who_take_it(client):
    (url,) = linked(client, "/book")
    plain = client.get(url)
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.mimetype == "text/css"
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (STATIC / "style.css").read_bytes()
    assert "Accept-Encoding" in plain.headers["Vary"]

    packed = client.get(url, headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data

    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_files_carry_the_same_security_headers_as_pages(client):
    (url,) = linked(client, "/book")
    for answer in (client.get(url), client.get("/static/style.css")):
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_session_does_not_split_the_cache_of_a_file(app, practice):
    staff = signed_in_client(app, StaffRole.RECEPTION)
    (url,) = linked(staff, "/book")
    for answer in (staff.get(url), staff.get("/static/style.css")):
        assert answer.status_code == 200
        assert answer.headers["Vary"] == "Accept-Encoding"  # not Cookie: the same for everyone
        assert "Set-Cookie" not in answer.headers


def test_a_revisit_with_the_etag_is_answered_without_the_file(client):
    (url,) = linked(client, "/book")
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_head_answers_like_get_without_the_body(client):
    (url,) = linked(client, "/book")
    head = client.head(url)
    assert head.status_code == 200
    assert head.headers["Cache-Control"].endswith("immutable")
    assert head.data == b""


def test_the_plain_url_still_works_but_is_checked_every_time(client):
    answer = client.get("/static/style.css")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "immutable" not in answer.headers["Cache-Control"]


def test_an_old_hash_goes_to_the_current_file_not_served_under_the_old_name(client):
    answer = client.get("/static/0123456789ab/style.css")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(
        f"/{load_assets(STATIC)['style.css'].digest}/style.css"
    )
    assert "immutable" not in answer.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path",
    [
        "/static/{digest}/../config.py",
        "/static/{digest}/../../config.py",
        "/static/{digest}/%2e%2e/%2e%2e/config.py",
        "/static/{digest}/..%2f..%2fconfig.py",
        "/static/../config.py",
        "/static/style.css/../../config.py",
        "/static/x/../../config.py",
        "/static/%2e%2e/config.py",
        "/static/abc/..%2fconfig.py",
        "/static/{digest}//etc/passwd",
        "/static/missing.css",
        "/static/abcdef012345/missing.css",
    ],
)
def test_nothing_but_the_files_found_at_start_up_is_served(client, path):
    answer = client.get(path.format(digest=load_assets(STATIC)["style.css"].digest))
    assert answer.status_code == 404
    assert (ROOT / "config.py").read_bytes() not in answer.data
    assert b"root:" not in answer.data


def test_the_hash_changes_when_the_bytes_do(tmp_path):
    (tmp_path / "site.css").write_text("body { color: black; }")
    before = load_assets(tmp_path)["site.css"].digest
    (tmp_path / "site.css").write_text("body { color: navy; }")
    after = load_assets(tmp_path)["site.css"].digest
    assert before != after

    app = Flask(__name__, static_folder=None)
    init_app(app, tmp_path)
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="site.css") == f"/static/{after}/site.css"


def test_a_tiny_file_is_not_compressed(tmp_path):
    (tmp_path / "a.js").write_text("x=1")
    (tmp_path / "big.css").write_text("p { margin: 0; }\n" * 200)
    assets = load_assets(tmp_path)
    assert assets["a.js"].gzipped is None
    assert assets["big.css"].gzipped is not None


def test_a_file_in_a_folder_answers_at_its_plain_url_too(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "rest.svg").write_text("<svg></svg>")
    app = Flask(__name__, static_folder=None)
    init_app(app, tmp_path)
    client = app.test_client()
    digest = load_assets(tmp_path)["icons/rest.svg"].digest

    hashed = client.get(f"/static/{digest}/icons/rest.svg")
    plain = client.get("/static/icons/rest.svg")
    assert hashed.headers["Cache-Control"].endswith("immutable")
    assert (plain.status_code, plain.headers["Cache-Control"]) == (200, "no-cache")
    assert plain.data == hashed.data == b"<svg></svg>"
