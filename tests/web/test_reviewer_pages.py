"""The reviewer's pages: assignments, a proposal with its rubric form, drafts, submission, conflicts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import select

from grants.assignment import store_assignment
from grants.db import unit_of_work
from grants.i18n import format_datetime
from grants.models import Application, Call, Conflict, Review, ReviewDraft, Reviewer, utcnow
from grants.reviews import ReviewSubmission, record_review
from tests.api.world import FakeLauncher, World
from tests.web.forms import csrf_of, sign_in

A = "CSF-2026-00001"
PAGE = f"/reviewer/proposals/{A}"
CODES = [
    "need_alignment",
    "survivor_centred",
    "cultural_accessibility",
    "capacity_partnerships",
    "budget_value",
    "evaluation_outcomes",
]
COMPLETE = {
    **{f"scores.{code}": "4" for code in CODES},
    "scores.budget_value": "na",
    **{f"comments.{code}": f"Comment on {code}." for code in CODES},
    "recommendation": "consider",
}


def _tag(html: str, pattern: str) -> str:
    """The one opening tag matching ``pattern`` (a tag name and attributes that pick it out)."""
    found = re.findall(rf"<{pattern}[^>]*>", html)
    assert len(found) == 1, found
    return found[0]


def _post(client: TestClient, data: dict[str, str], action: str, lang: str = "") -> Any:
    page = client.get(PAGE + (f"?lang={lang}" if lang else ""))
    assert page.status_code == 200, page.text
    body = {"csrf_token": csrf_of(page.text), "action": action, **data}
    return client.post(f"{PAGE}/review", data=body, follow_redirects=False)


def _counts(engine: Engine) -> tuple[int, int]:
    """How many reviews and drafts are stored."""
    with unit_of_work(engine) as session:
        reviews = session.exec(select(func.count()).select_from(Review)).one()
        drafts = session.exec(select(func.count()).select_from(ReviewDraft)).one()
    return reviews, drafts


def test_reviewer_list_shows_the_assigned_proposal_to_do(client: TestClient, world: World) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    page = client.get("/reviewer")

    assert page.status_code == 200, page.text
    assert f'<th scope="row"><a href="/reviewer/proposals/{A}">{A}</a></th>' in page.text
    assert "<td>Safe rooms in Timmins</td><td>Community Support Fund</td><td>English</td>" in page.text
    assert '<td class="progress progress-to-do">To do</td>' in page.text
    assert "<strong>0 of 1 reviews submitted.</strong>" in page.text
    assert "Deadline to submit or change your reviews: May 14, 2027 at 5:00 p.m." in page.text
    assert "CSF-2026-00002" not in page.text


def test_saving_a_draft_keeps_it_apart_from_the_reviews(client: TestClient, world: World, engine: Engine) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    answer = _post(client, {"scores.need_alignment": "4", "comments.need_alignment": "Strong need."}, "save")

    assert (answer.status_code, answer.headers["location"]) == (303, f"{PAGE}?done=draft")
    assert _counts(engine) == (0, 1)
    with unit_of_work(engine) as session:
        draft = session.exec(select(ReviewDraft)).one()
    assert (draft.scores, draft.comments, draft.recommendation) == (
        {"need_alignment": 4},
        {"need_alignment": "Strong need."},
        "",
    )
    page = client.get(f"{PAGE}?done=draft").text
    assert "Your draft is saved. It is not sent until you submit the review." in page
    assert _tag(page, 'input [^>]*id="score-need_alignment-4"') == (
        '<input type="radio" id="score-need_alignment-4" name="scores.need_alignment" value="4" checked>'
    )
    assert '<textarea id="comment-need_alignment" name="comments.need_alignment" rows="4" maxlength="4000">' in page
    assert ">Strong need.</textarea>" in page
    listed = client.get("/reviewer").text
    assert re.findall(r'<td class="progress progress-draft">Draft saved on [^<]+</td>', listed) != []
    assert "<strong>0 of 1 reviews submitted.</strong>" in listed


def test_a_draft_with_a_score_out_of_range_is_refused_beside_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    answer = _post(client, {"scores.need_alignment": "7"}, "save")

    assert answer.status_code == 422
    assert (
        '<p class="field-error" id="scores.need_alignment-error"><span class="visually-hidden">Error : </span>'
        "a score is a whole number from 0 to 5, or not applicable</p>" in answer.text
    )
    assert _counts(engine) == (0, 0)


def test_an_incomplete_review_shows_every_error_beside_its_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])
    typed = {"scores.need_alignment": "4", "comments.need_alignment": "Strong need."}
    typed |= {f"comments.{code}": "" for code in CODES[1:]}  # a browser sends every textarea

    answer = _post(client, typed, "submit")

    assert answer.status_code == 422
    html = answer.text
    errors = re.findall(r'<p class="field-error" id="([^"]+)-error">.*?</span>([^<]*)</p>', html)
    expected = [(f"scores.{code}", "a score is required") for code in CODES[1:]]
    expected += [(f"comments.{code}", "a comment is required") for code in CODES[1:]]
    expected.append(("recommendation", "a recommendation is required"))
    assert sorted(errors) == sorted(expected)
    assert _tag(html, 'fieldset class="criterion" aria-describedby="scores.survivor_centred-error') == (
        '<fieldset class="criterion" aria-describedby="scores.survivor_centred-error desc-survivor_centred" '
        'aria-invalid="true">'
    )
    assert _tag(html, 'textarea id="comment-survivor_centred"') == (
        '<textarea id="comment-survivor_centred" name="comments.survivor_centred" rows="4" maxlength="4000" '
        'aria-describedby="comments.survivor_centred-error" aria-invalid="true">'
    )
    assert _tag(html, 'fieldset class="criterion" aria-describedby="recommendation-error"') == (
        '<fieldset class="criterion" aria-describedby="recommendation-error" aria-invalid="true">'
    )
    # What was typed stays, and the criterion without errors is not marked.
    assert '<fieldset class="criterion" aria-describedby="desc-need_alignment">' in html
    assert 'id="score-need_alignment-4" name="scores.need_alignment" value="4" checked>' in html
    assert ">Strong need.</textarea>" in html
    assert _counts(engine) == (0, 0)


def test_a_complete_review_is_recorded_and_the_draft_is_gone(client: TestClient, world: World, engine: Engine) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])
    _post(client, {"scores.need_alignment": "1"}, "save")

    answer = _post(client, COMPLETE, "submit")

    assert (answer.status_code, answer.headers["location"]) == (303, f"{PAGE}?done=submitted")
    assert _counts(engine) == (1, 0)
    with unit_of_work(engine) as session:
        review = session.exec(select(Review)).one()
    assert review.scores == {**dict.fromkeys(CODES, 4), "budget_value": None}
    assert review.comments == {code: f"Comment on {code}." for code in CODES}
    assert review.recommendation == "consider"
    page = client.get(f"{PAGE}?done=submitted").text
    assert '<div class="notice" role="status"><p>Your review is submitted. Thank you.</p></div>' in page
    assert "You have submitted this review (last changed " in page
    assert 'id="score-budget_value-na" name="scores.budget_value" value="na" checked>' in page
    listed = client.get("/reviewer").text
    assert "<strong>1 of 1 reviews submitted.</strong>" in listed
    assert re.findall(r'<td class="progress progress-submitted">Submitted on [^<;]+</td>', listed) != []


def test_peers_scores_show_after_submitting_without_names(client: TestClient, world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:  # a second reviewer of A has already scored it
        app_id = session.exec(select(Application.id).where(Application.reference == A)).one()
        uma = session.exec(select(Reviewer).where(Reviewer.email == "reviewer2@example.org")).one()
        store_assignment(session, call_code="csf-2026", pairs=[(app_id or 0, uma.id or 0, 1.0)], actor="setup")
        record_review(
            session,
            reference=A,
            reviewer_id=uma.id or 0,
            actor="setup",
            submission=ReviewSubmission(dict.fromkeys(CODES, 2), dict.fromkeys(CODES, "Thin plan."), "decline"),
        )
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])
    before = client.get(PAGE).text

    _post(client, COMPLETE, "submit")
    after = client.get(PAGE).text

    assert "Other reviewers&#39; scores" not in before
    assert "Other reviewers&#39; scores" in after
    cell = r'<td class="num">([^<]*)</td>'
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">[^<]*</td>)+)<td>([^<]*)</td></tr>', after)
    assert [(who, re.findall(cell, cells), rec) for who, cells, rec in rows] == [
        ("You", ["4", "4", "4", "4", "N/A", "4"], "Fund if money allows"),
        ("Reviewer 1", ["2"] * 6, "Do not fund"),
    ]
    assert "Uma" not in after and "reviewer2@" not in after and "Thin plan." not in after


def test_a_conflicted_reviewer_gets_not_found_and_sees_nothing_of_the_proposal(
    client: TestClient, world: World, engine: Engine
) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_conflicted"])

    listed = client.get("/reviewer")
    page = client.get(PAGE)
    conflict = client.get(f"{PAGE}/conflict")
    posted = client.post(
        f"{PAGE}/review", data={"csrf_token": csrf_of(listed.text), "action": "save", "scores.need_alignment": "3"}
    )

    assert (page.status_code, conflict.status_code, posted.status_code) == (404, 404, 404)
    for answer in (page, conflict, posted):
        assert "Northern Lights Shelter" not in answer.text
        assert "Safe rooms in Timmins" not in answer.text
    assert f"{A} is not among your assignments" in page.text
    assert A not in listed.text
    assert "No proposal is assigned to you at the moment." in listed.text
    assert _counts(engine) == (0, 0)


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_stored(
    client: TestClient, world: World, engine: Engine, launcher: FakeLauncher
) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    review = client.post(f"{PAGE}/review", data={**COMPLETE, "action": "submit"}, follow_redirects=False)
    draft = client.post(f"{PAGE}/review", data={**COMPLETE, "action": "save"}, follow_redirects=False)
    conflict = client.post(f"{PAGE}/conflict", data={"reason": "My sister"}, follow_redirects=False)

    assert (review.status_code, draft.status_code, conflict.status_code) == (403, 403, 403)
    assert "The form has expired or did not come from this site." in review.text
    assert _counts(engine) == (0, 0)
    with unit_of_work(engine) as session:
        declared = session.exec(select(func.count()).select_from(Conflict).where(Conflict.source == "declared")).one()
    assert declared == 1  # the world's own conflict only
    assert launcher.started == []


def test_declaring_a_conflict_stores_it_and_asks_for_a_new_assignment(
    client: TestClient, world: World, engine: Engine, launcher: FakeLauncher
) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])
    form = client.get(f"{PAGE}/conflict")
    assert form.status_code == 200
    empty = client.post(f"{PAGE}/conflict", data={"csrf_token": csrf_of(form.text), "reason": "   "})

    answer = client.post(
        f"{PAGE}/conflict",
        data={"csrf_token": csrf_of(form.text), "reason": "My sister  chairs the board."},
        follow_redirects=False,
    )

    assert empty.status_code == 422
    assert (
        '<p class="field-error" id="reason-error"><span class="visually-hidden">Error : </span>'
        "This field is required.</p>" in empty.text
    )
    assert _tag(empty.text, 'textarea id="reason"') == (
        '<textarea id="reason" name="reason" rows="5" maxlength="2000" required '
        'aria-describedby="reason-hint reason-error" aria-invalid="true">'
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer?done=conflict")
    with unit_of_work(engine) as session:
        reviewer_id = session.exec(select(Reviewer.id).where(Reviewer.email == "reviewer1@example.org")).one()
        rows = session.exec(
            select(Conflict.source, Conflict.reason_en).where(Conflict.reviewer_id == reviewer_id)
        ).all()
    assert rows == [("declared", "My sister chairs the board.")]
    actor = "reviewer:reviewer1@example.org"
    assert launcher.started == [("assignment", {"call_code": "csf-2026", "actor": actor}, actor)]
    listed = client.get("/reviewer?done=conflict").text
    assert "Your conflict of interest is recorded." in listed
    assert "No proposal is assigned to you at the moment." in listed
    assert client.get(PAGE).status_code == 404


def test_the_french_page_names_the_criteria_in_french(client: TestClient, world: World, engine: Engine) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    french = client.get(f"{PAGE}?lang=fr").text
    kept = client.get("/reviewer").text
    answer = _post(client, {}, "submit")

    assert '<html lang="fr">' in french
    legend = '<legend>Besoins et harmonisation avec la stratégie <span class="weight">(pondération : 20\xa0%)</span>'
    assert legend in french
    assert '<label for="score-need_alignment-4">4 — Solide</label>' in french
    assert '<label for="score-need_alignment-na">Sans objet</label>' in french
    assert '<button type="submit" name="action" value="submit">Soumettre l&#39;évaluation</button>' in french
    assert "Need and alignment with the strategy" not in french
    assert "<h1>Vos propositions à évaluer</h1>" in kept  # the choice is kept for the session
    assert answer.status_code == 422
    assert (
        '<p class="field-error" id="scores.need_alignment-error"><span class="visually-hidden">Erreur : </span>'
        "une note est obligatoire</p>" in answer.text
    )


def test_the_browser_language_is_used_until_one_is_chosen(client: TestClient, world: World) -> None:
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    page = client.get(PAGE, headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})

    assert '<html lang="fr">' in page.text
    assert '<h2 id="review-heading">Votre évaluation</h2>' in page.text
    assert sorted(re.findall(r"<h([1-3])", page.text))[0] == "1"
    assert len(re.findall(r"<h1", page.text)) == 1


def test_after_the_review_deadline_the_form_is_locked(client: TestClient, world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        call = session.exec(select(Call)).one()
        call.review_deadline = utcnow() - dt.timedelta(days=1)
        session.add(call)
        when = format_datetime(call.review_deadline, "en")
    sign_in(client, "reviewer", world.tokens["reviewer_assigned"])

    page = client.get(PAGE).text
    answer = _post(client, {"scores.need_alignment": "4"}, "save")

    locked = f"the review deadline ({when}) has passed; reviews are locked"
    assert f"<strong>The review deadline ({when}) has passed; reviews are locked.</strong>" in page
    assert "Save draft" not in page and "Submit review</button>" not in page
    assert '<fieldset class="criterion" aria-describedby="desc-need_alignment" disabled>' in page
    assert answer.status_code == 422
    assert f'<p class="field-error" id="form-error">Your review was not saved: {locked}</p>' in answer.text
    assert _counts(engine) == (0, 0)
