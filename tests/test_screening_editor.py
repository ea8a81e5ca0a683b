"""The therapist's screening list editor: change and add conditions, never delete any."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from booking.domain.intake import Flag, FollowUp, ScreeningGroup
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import ScreeningQuestion
from booking.services.intake import screening
from tests.support.pages import text_of
from tests.support.staff import page_token, screening_rows, signed_in_client


@pytest.fixture
def rows(app) -> dict[str, int]:
    """The default list, with one condition switched off: key → id."""
    with app.app_context():
        found = screening_rows()
        next(row for row in found if row.key == "lumps").active = False
        ids = {row.key: row.id for row in found}
        db.session.commit()
    return ids


@pytest.fixture
def therapist(app, rows):
    return signed_in_client(app, StaffRole.THERAPIST)


def stored(app, row_id: int) -> ScreeningQuestion:
    with app.app_context():
        row = db.session.get(ScreeningQuestion, row_id)
        db.session.expunge(row)
        return row


def row_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ScreeningQuestion))


def fields(prefix: str, **values: str) -> dict[str, str]:
    data = {
        "label": "A fever, or an infection such as flu or Covid",
        "hint": "",
        "group": "now",
        "flag": "stop",
        "follow_up": "none",
        "active": "y",
        "order": "10",
    } | values
    if data["active"] is None:
        del data["active"]  # an unticked box is simply not sent
    return {f"{prefix}-{name}": value for name, value in data.items()}


def post_row(client, row_id: int | str, **values: str):
    prefix = "new" if row_id == "new" else f"row-{row_id}"
    token = page_token(client)
    data = {"csrf_token": token, f"{prefix}-csrf_token": token} | fields(prefix, **values)
    return client.post(f"/dashboard/screening/{row_id}", data=data)


def test_the_list_shows_every_row_by_group_with_switched_off_ones(app, therapist, rows):
    page = therapist.get("/dashboard/screening")
    body = page.get_data(as_text=True)
    words = text_of(page)
    assert page.status_code == 200
    assert words.index("Going on now") < words.index("Health history")
    assert words.index("Health history") < words.index("In one place on the body")
    assert words.index("Going on now") < words.index("A new injury, sprain or strain")
    assert words.index("In one place on the body") < words.index("A lump or swelling")
    assert "A lump or swelling Adapt · switched off" in words
    assert len(re.findall(r'<details class="screening-row', body)) == len(rows)
    for row_id in rows.values():
        assert f'action="/dashboard/screening/{row_id}"' in body
    assert "Stop: no hands-on session until you have reviewed it" in body


def test_saving_a_row_changes_its_words_and_flag_but_never_its_key(app, therapist, rows):
    response = post_row(
        therapist,
        rows["fever"],
        label="A high temperature, or an infection",
        flag="review",
        follow_up="details",
        hint="When did it start?",
        active=None,
        order="5",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/dashboard/screening#row-{rows['fever']}"
    row = stored(app, rows["fever"])
    assert (row.key, row.label, row.flag, row.follow_up, row.hint, row.active, row.sort_order) == (
        "fever",
        "A high temperature, or an infection",
        Flag.REVIEW,
        FollowUp.DETAILS,
        "When did it start?",
        False,
        5,
    )
    assert "Saved: A high temperature, or an infection" in text_of(
        therapist.get("/dashboard/screening")
    )
    with app.app_context():  # switched off: no longer asked, still readable
        assert "fever" not in {c.key for c in screening.screening_conditions()}
        assert "fever" in {c.key for c in screening.screening_conditions(include_inactive=True)}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"flag": "panic"}, "flag", "Please choose one of the options in the list."),
        ({"group": "elsewhere"}, "group", "Please choose one of the options in the list."),
        ({"follow_up": "essay"}, "follow_up", "Please choose one of the options in the list."),
        ({"label": ""}, "label", "Please write the condition as the client will read it."),
        ({"label": "x" * 201}, "label", "Please keep this to 200 characters or fewer."),
        ({"hint": "y" * 201}, "hint", "Please keep this to 200 characters or fewer."),
        ({"order": "soon"}, "order", "Please use a whole number, for example 30."),
    ],
)
def test_a_wrong_value_is_explained_next_to_its_field_and_what_was_typed_is_kept(
    app, therapist, rows, values, field, message
):
    before = stored(app, rows["clot"])
    typed = {"label": "My edited label, kept as typed"} | values
    response = post_row(therapist, rows["clot"], **typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="row-{rows["clot"]}-{field}-error">(.*?)</p>', body)
    assert error and message in error[1]
    assert f'<details class="screening-row card" id="row-{rows["clot"]}" open>' in body
    if "label" not in values:
        assert 'value="My edited label, kept as typed"' in body
    after = stored(app, rows["clot"])
    assert (after.label, after.flag, after.group) == (before.label, before.flag, before.group)


def test_an_unknown_row_is_a_404(app, therapist, rows):
    assert post_row(therapist, 999_999).status_code == 404


def test_adding_a_condition_makes_a_unique_key_from_its_label(app, therapist, rows):
    count = row_count(app)
    label = "A recent operation on the hip!"
    for _ in range(2):
        response = post_row(therapist, "new", label=label, group="history", flag="review", order="")
        assert response.status_code == 303
    with app.app_context():
        added = db.session.scalars(
            select(ScreeningQuestion)
            .where(ScreeningQuestion.label == label)
            .order_by(ScreeningQuestion.id)
        ).all()
        assert [row.key for row in added] == [
            "a_recent_operation_on_the_hip",
            "a_recent_operation_on_the_hip_2",
        ]
        last = db.session.scalar(select(func.max(ScreeningQuestion.sort_order)))
        assert added[-1].sort_order == last  # at the end of the list
        assert added[0].group == ScreeningGroup.HISTORY
    assert row_count(app) == count + 2
    assert "A recent operation on the hip!" in text_of(therapist.get("/dashboard/screening"))


def test_a_new_condition_with_a_wrong_value_is_kept_and_explained(app, therapist, rows):
    count = row_count(app)
    response = post_row(therapist, "new", label="Shingles", flag="maybe")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="new-flag-error"' in body
    assert 'value="Shingles"' in body
    assert row_count(app) == count


def test_nothing_is_ever_deleted(app, therapist, rows):
    count = row_count(app)
    for key in ("fever", "lumps", "scar"):
        post_row(therapist, rows[key], active=None)
    assert row_count(app) == count
    assert therapist.delete(f"/dashboard/screening/{rows['fever']}").status_code == 405


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Shingles", "shingles"),
        ("A recent scar!", "a_recent_scar"),
        ("  Heart -- or blood pressure  ", "heart_or_blood_pressure"),
        ("Ménière's disease", "menieres_disease"),
        ("2nd trimester", "condition_2nd_trimester"),
        ("!!!", "condition"),
        ("a" * 60, "a" * 40),
    ],
)
def test_key_from_label(label, key):
    assert screening.key_from_label(label) == key


def test_keys_never_clash_with_none_of_these(app, rows):
    from booking.services.intake.screening import ScreeningEntry

    entry = ScreeningEntry("None", "", ScreeningGroup.NOW, Flag.INFO, FollowUp.NONE, True)
    with app.app_context():
        row = screening.add_row(entry)
        assert row.key == "none_2"
