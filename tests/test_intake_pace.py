"""An honest, lighter questionnaire: one time estimate, a step count that never grows, a short
check page, optional pages skipped in one press, PEM explained, and "finish later" that comes
back to the page it left."""

from __future__ import annotations

import re

import pytest

from booking.domain import intake as q
from booking.services.intake import progress
from booking.views.questionnaire import PEM_IN_PLAIN_WORDS, questionnaire_minutes
from tests.support.booking import book_as_client
from tests.support.intake import (
    GOOD_PAGES,
    answers,
    drafts,
    fill_in,
    intake_link,
    minutes_promised,
    post_page,
    progress_on,
    send,
    skip_page,
)
from tests.support.pages import text_of

OPTIONAL = ["contact", "care", "screening_details", "pem", "comfort", "areas", "senses"]
OPTIONAL += ["practical"]


@pytest.fixture
def manage_token(app, practice):
    return book_as_client(app)


@pytest.fixture
def link(client, manage_token) -> str:
    return intake_link(client, manage_token)


def carry_on_link(client, link) -> str:
    """Where the first page's big button goes: the page to carry on from."""
    start = client.get(link).get_data(as_text=True)
    return re.search(r'<a class="button" href="[^"]+/(\w+)"', start)[1]


# --- One time estimate, everywhere it is shown --------------------------------------------------


def test_the_booked_page_the_first_page_and_page_one_promise_the_same_minutes(
    app, client, manage_token, link
):
    booked = minutes_promised(text_of(client.get(f"/book/booked/{manage_token}")))
    manage = minutes_promised(text_of(client.get(f"/manage/{manage_token}")))
    first = minutes_promised(text_of(client.get(link)))
    page_one = progress_on(client, link, "about")[3]
    assert len(booked) == len(manage) == len(first) == 1
    assert booked == manage == first == [page_one]
    # Worked out from every page that may be asked, at a tired reader's pace: inside the 20-30
    # minutes measured at a foggy pace, nowhere near the 10 once promised.
    with app.test_request_context():
        every_page = questionnaire_minutes(
            progress.possible_steps({}, q.DEFAULT_SCREENING), q.DEFAULT_SCREENING, {}
        )
    assert page_one == every_page
    assert 20 <= page_one <= 30


def test_the_minutes_left_only_go_down_and_a_sent_questionnaire_promises_none(
    client, manage_token, link
):
    left = [progress_on(client, link, step)[3] for step in fill_in(client, link)]
    assert left == sorted(left, reverse=True)
    assert left[-1] < 10
    send(client, link)
    assert minutes_promised(text_of(client.get(f"/book/booked/{manage_token}"))) == []


# --- A step count that never grows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "pages"),
    [
        ({}, 12),  # the energy pages, no follow-up page
        ({"screening": {"now": ["none"], "history": ["pregnancy"], "local": ["scar"]}}, 13),
        ({"condition": {"conditions": ["none"]}}, 10),
    ],
    ids=["energy pages", "every page", "fewest pages"],
)
def test_the_step_count_counts_up_by_one_and_its_total_never_grows(client, link, changes, pages):
    seen = []
    pages_given = {**GOOD_PAGES, **changes}
    step = carry_on_link(client, link)
    while step != "check":
        seen.append(progress_on(client, link, step))
        response = post_page(client, link, step, pages_given.get(step, {}))
        assert response.status_code == 303, step
        step = response.headers["Location"].rsplit("/", 1)[1]
    numbers = [number for number, *_ in seen]
    totals = [total for _, total, *_ in seen]
    assert numbers == list(range(1, pages + 1))
    assert totals[0] == 13 and seen[0][2]  # "Step 1 of up to 13" from the first page
    assert totals == sorted(totals, reverse=True)  # it may shrink, never grow
    assert totals[-1] == pages and not seen[-1][2]  # "of 12", no "up to", by the end


def test_the_first_pages_list_says_which_pages_may_not_be_needed(client, link):
    post_page(client, link, "about", GOOD_PAGES["about"])
    words = text_of(client.get(link))
    assert "A little more about those only if needed" in words
    assert "Your energy only if needed" in words
    assert "About you done" in words and "Reaching you not yet" in words


# --- The check page: one line a page, under 300 words ---------------------------------------------


def test_the_check_page_is_one_short_line_a_page_with_a_change_link_each(client, link):
    steps = fill_in(client, link)
    page = client.get(f"{link}/check")
    words = text_of(page)
    assert len(words.split()) < 300  # it was about 1,000
    html = page.get_data(as_text=True)
    changes = re.findall(rf'href="{re.escape(link)}/(\w+)\?then=check">Change', html)
    assert changes == steps  # one Change a page, to that page, in order
    assert "Your energy Most of the time: I get about less" in words
    assert "Energy today: 40 Change your energy" in words
    assert "Pressure and areas Pressure: 1: the lightest touch; Massage: Hands, Feet" in words
    assert "Not answered" not in words


def test_the_check_page_says_not_answered_and_skipped(client, link):
    post_page(client, link, "about", GOOD_PAGES["about"])
    skip_page(client, link, "contact")
    post_page(client, link, "care", {})  # saved with nothing chosen
    words = text_of(client.get(f"{link}/check"))
    assert "Reaching you Skipped Change reaching you" in words
    assert "Your care Not answered Change your care" in words
    assert "Health check Not answered" in words  # not reached yet


def test_a_change_link_leads_back_to_the_check_page(client, link):
    fill_in(client, link)
    page = client.get(f"{link}/senses?then=check").get_data(as_text=True)
    assert "Back to your answers" in page
    response = post_page(client, link, "senses", {"light": "very_dim", "then": "check"})
    assert response.headers["Location"].endswith("/check")
    assert "Light: As dark as possible" in text_of(client.get(f"{link}/check"))


# --- Optional pages: skipped in one press ---------------------------------------------------------


def test_only_optional_pages_offer_to_skip(app, client, link):
    fill_in(client, link, screening={"now": ["none"], "history": ["pregnancy"]})
    for step in [s.key for s in q.STEPS]:
        words = text_of(client.get(f"{link}/{step}"))
        assert ("Skip this page" in words) is (step in OPTIONAL), step
    assert skip_page(client, link, "energy").status_code == 404
    assert "severity" in answers(app)["energy"]


def test_skip_goes_on_in_one_press_and_keeps_nothing_half_typed(app, client, link):
    post_page(client, link, "senses", {"light": "dim", "talking": "bad"})  # a problem: a draft
    assert drafts(app)["senses"]["light"] == "dim"
    response = skip_page(client, link, "senses")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/practical")
    assert "senses" not in drafts(app)
    assert answers(app)["senses"] == {}
    shown = client.get(f"{link}/senses").get_data(as_text=True)
    assert [tag for tag in re.findall(r"<input[^>]*>", shown) if " checked" in tag] == []


def test_skip_keeps_answers_saved_before_and_can_return_to_the_check_page(app, client, link):
    post_page(client, link, "senses", {"light": "dim"})
    response = skip_page(client, link, "senses", then="check")
    assert response.headers["Location"].endswith("/check")
    assert answers(app)["senses"] == {"light": "dim"}
    assert "Light: Dim, please" in text_of(client.get(f"{link}/check"))


def test_skip_with_a_stale_token_skips_nothing_and_asks_again(app, client, link):
    response = skip_page(client, link, "senses", token="stale")
    assert response.status_code == 400
    assert "Please press the button again" in text_of(response)
    assert "senses" not in answers(app)


def test_a_skipped_page_saved_later_is_no_longer_skipped(client, link):
    skip_page(client, link, "senses")
    post_page(client, link, "senses", {"light": "dim"})
    words = text_of(client.get(f"{link}/check"))
    assert "Light: Dim, please" in words and "Skipped" not in words


# --- Post-exertional malaise, in plain words where it is first asked ------------------------------


def test_post_exertional_malaise_is_explained_at_its_first_question(client, link):
    post_page(client, link, "condition", {"conditions": ["me_diagnosed"]})
    for step in ("about", "contact", "care", "screening", "condition", "energy"):
        assert "malaise" not in text_of(client.get(f"{link}/{step}")).lower(), step
    html = client.get(f"{link}/pem").get_data(as_text=True)
    first = re.search(r"<fieldset[^>]*>.*?</fieldset>", html, re.S)[0]
    assert 'aria-describedby="triggers-hint"' in first
    assert PEM_IN_PLAIN_WORDS in " ".join(first.split())
    assert "12 to 72 hours later" in PEM_IN_PLAIN_WORDS and "days or weeks" in PEM_IN_PLAIN_WORDS
    never = ("detox", "toxin", "healing crisis", "push through", "tolerance")
    assert [word for word in never if word in PEM_IN_PLAIN_WORDS.lower()] == []


# --- "Finish later" comes back to the page it left ------------------------------------------------


def test_finish_later_with_a_required_answer_missing_resumes_on_that_page(app, link):
    browser = app.test_client()
    fill_in(browser, link, until="condition")
    response = post_page(browser, link, "condition", {"other_condition": "Asthma"}, action="later")
    assert response.status_code == 303
    assert answers(app)["condition"] == {"other_condition": "Asthma"}  # what was given is kept
    later = app.test_client()  # another day, another browser: only the link
    assert carry_on_link(later, link) == "condition"
    assert "Long-term conditions not finished" in text_of(later.get(link))
    assert 'value="Asthma"' in later.get(f"{link}/condition").get_data(as_text=True)


def test_finish_later_with_a_problem_on_the_page_resumes_on_that_page(app, client, link):
    fill_in(client, link, until="energy")
    post_page(client, link, "energy", {"severity": "mild", "bell_today": "55"}, action="later")
    assert drafts(app)["energy"]["bell_today"] == "55"
    assert carry_on_link(client, link) == "energy"


def test_finish_later_on_a_finished_page_carries_on_from_the_next(client, link):
    fill_in(client, link, until="care")
    post_page(client, link, "care", {"gp_contact": "no"}, action="later")
    assert carry_on_link(client, link) == "screening"


def test_an_unfinished_page_is_carried_on_first_even_when_left_earlier(client, link):
    fill_in(client, link, until="condition")
    post_page(client, link, "condition", {}, action="later")
    post_page(client, link, "senses", {"light": "dim"}, action="later")  # looked ahead, done
    assert carry_on_link(client, link) == "condition"
