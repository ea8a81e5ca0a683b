"""The home page and the calm design every later page builds on."""

import re
from pathlib import Path

from booking.extensions import db
from tests.support.factories import make_service

STYLESHEET = Path(__file__).resolve().parent.parent / "booking" / "static" / "style.css"


def test_home_lists_active_services_first_visit_first(app, client):
    with app.app_context():
        make_service(name="Gentle massage", sort_order=1)
        make_service(
            name="First gentle session",
            minutes=45,
            hands_on_minutes=30,
            first_visit=True,
            sort_order=2,
        )
        make_service(name="Retired service", active=False)
        db.session.commit()
    body = client.get("/").get_data(as_text=True)
    assert body.index("First gentle session") < body.index("Gentle massage</h3>")
    assert "45 minutes booked, about 30 minutes of massage" in body
    assert "Retired service" not in body
    assert "shorter and gentler" in body


def test_every_page_has_a_skip_link_first_and_help_in_the_same_place(client):
    for path in ["/", "/no-such-page"]:
        body = client.get(path).get_data(as_text=True)
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'href="#main"' in first_link and "skip-link" in first_link
        assert 'id="main"' in body
        help_box = body[body.index('<aside class="wrap help"') :]
        assert "tel:01632960123" in help_box
        assert "mailto:hello@stillwaters.example" in help_box
        assert "A carer, friend or family member can also do this for you." in help_box
        assert "fill anything in with you by phone" in help_box


def test_pages_make_no_external_requests(client):
    response = client.get("/")
    body = response.get_data(as_text=True)
    references = re.findall(r'(?:src|href)="([^"]+)"', body)
    external = [r for r in references if re.match(r"^(https?:)?//", r)]
    assert external == []
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_stylesheet_is_calm_and_self_contained():
    css = STYLESHEET.read_text()
    assert "@import" not in css
    assert not re.search(r"url\(", css)
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media (prefers-reduced-motion: reduce)" in css
    assert "min-height: 44px" in css
    assert ":focus-visible" in css
    assert "system-ui" in css
