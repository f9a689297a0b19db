"""The network's forms through HTTP: an organisation's cooperation links (kind and status in words, added,
edited, confirmed, deleted), the platforms with their members and the trainings with a head count per
organisation. Rights stay in the use cases (an editor its own links, which wait for the other end; platforms
and trainings for coordinators); a refused form keeps what was typed and says what is wrong next to the
field; every write is in the change log. The use cases are also run on the memory and SQLite stores."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from api.http.app import create_app
from api.i18n import UI
from graph.errors import Forbidden, InvalidInput, Stale
from graph.memory_store import MemoryStore
from graph.models import Attendance, Cooperation, LinkStatus, Membership, Platform, Training
from graph.reference import Reference
from graph.referral import Role
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from graph.usecases import Caller
from graph.usecases.network import NetworkCases
from graph.usecases.platforms import PlatformCases
from tests.api.conftest import TOKENS, csrf_of, demo_store, settings, signed_in
from tests.api.test_four_languages import french_in, names_of

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
SOURCE = "Réunion de plateforme (démo)"


@pytest.fixture
def web(reference: Reference) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as client:
        yield client


def said(key: str, lang: str = "fr") -> str:
    """A catalogue sentence as the page writes it (HTML-escaped)."""
    return str(escape(UI[key][lang]))


def card(page: str, marker: str) -> str:
    """The article of one link, platform or training."""
    start = page.index(marker)
    return page[start : page.index("</article>", start)]


def read(page: str) -> str:
    """What a person reads: attribute values left out (they may hold codes)."""
    return str(re.sub(r'(value|data-search|id|name|href|action|for|aria-[a-z]+)="[^"]*"', "", page))


def link_form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "organisation": "amb-h-1",
        "partner": "cpas-h-1",
        "cooperation": "convention",
        "since": "2024-01-15",
        "until": "",
        "source": SOURCE,
    } | changes


# --- links ---------------------------------------------------------------------------------------------


def test_links_are_listed_with_the_partner_and_the_kind_in_words(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/links?organisation=amb-h-1&lang=nl").text
    protocol = card(page, 'id="link-fp-h-2-protocol"')
    assert said("link_protocol", "nl") in protocol and said("net_status_confirmed", "nl") in protocol
    assert ">protocol<" not in protocol.replace(said("link_protocol", "nl"), "")  # the code itself is not shown
    assert "1 juni 2021" in protocol
    names = re.findall(r'name="partner" value="[^"]*"> ([^<]*)</label>', page)
    assert len(names) > 100 and "amb-h-1" not in page[page.index('id="add-partner"') :].split('value="')[1]


def test_a_coordinator_adds_a_convention_and_the_change_log_has_it(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/links?organisation=amb-h-1").text)
    saved = web.post("/coordination/links/add?lang=fr", data=link_form(csrf))
    assert saved.status_code == 200 and said("link_added") in saved.text
    added = card(saved.text, 'id="link-cpas-h-1-convention"')
    assert said("link_convention") in added and said("net_status_confirmed") in added and "15 janvier 2024" in added
    entries = web.get("/v1/audit", headers={"Authorization": f"Bearer {TOKENS['coordinator']}"}).json()
    assert any(
        e["entity"] == "COOPERATES_WITH" and "cpas-h-1" in e["entity_id"] and e["key_id"] == "k-coord" for e in entries
    )


def test_the_gap_list_preselects_the_partner(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/links?organisation=amb-h-1&with=cpas-h-1").text
    assert 'name="partner" value="cpas-h-1" checked' in page


def test_a_refused_link_keeps_what_was_typed_and_says_why_next_to_the_field(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/links?organisation=amb-h-1").text)
    typed = link_form(csrf, since="2024-05-01", until="2023-01-01", source="Convention signée")
    refused = web.post("/coordination/links/add?lang=nl", data=typed)
    assert refused.status_code == 422
    form = refused.text[refused.text.index('id="add-link"') :]
    assert said("err_ends_before_start", "nl") in form
    assert 'value="2024-05-01"' in form and 'value="Convention signée"' in form
    assert 'name="partner" value="cpas-h-1" checked' in form
    no_partner = web.post("/coordination/links/add?lang=fr", data=link_form(csrf, partner=""))
    assert no_partner.status_code == 422 and 'id="add-partner-error"' in no_partner.text
    assert said("err_missing") in no_partner.text
    page = web.get("/coordination/links?organisation=amb-h-1").text
    assert 'id="link-cpas-h-1-convention"' not in page  # nothing written


def test_an_editor_declares_a_link_that_waits_for_the_other_end(web: TestClient) -> None:
    signed_in(web, "editor")  # amb-h-1
    page = web.get("/coordination/links?lang=fr").text
    assert 'name="organisation" value="amb-h-1"' in page and said("net_pending_rule") in read(page)
    saved = web.post("/coordination/links/add", data=link_form(csrf_of(page), partner="amb-l-1"))
    assert said("net_done_pending") in saved.text
    pending = card(saved.text, 'id="link-amb-l-1-convention"')
    assert "pending" in pending and said("net_confirm") not in pending  # the declarer cannot confirm alone
    refused = web.post(
        "/coordination/links/confirm",
        data={"csrf": csrf_of(page), "organisation": "amb-h-1", "partner": "amb-l-1", "kind": "convention"},
    )
    assert refused.status_code == 403
    web.post("/logout", data={"csrf": csrf_of(page)})
    signed_in(web, "editor_b")  # amb-l-1, the other end
    other = web.get("/coordination/links").text
    assert said("net_confirm") in card(other, 'id="link-amb-h-1-convention"')
    confirmed = web.post(
        "/coordination/links/confirm",
        data={"csrf": csrf_of(other), "organisation": "amb-l-1", "partner": "amb-h-1", "kind": "convention"},
    )
    assert said("net_done_confirmed") in confirmed.text
    assert said("net_status_confirmed") in card(confirmed.text, 'id="link-amb-h-1-convention"')


def test_an_editor_is_refused_another_organisations_links_and_a_reader_all(web: TestClient) -> None:
    signed_in(web, "editor")
    page = web.get("/coordination/links").text
    assert web.get("/coordination/links?organisation=cpas-h-1").status_code == 403
    foreign = link_form(csrf_of(page), organisation="cpas-h-1", partner="gp-h-1")
    assert web.post("/coordination/links/add", data=foreign).status_code == 403
    assert (
        web.post("/coordination/links/fp-h-2/amb-h-1/protocol/delete", data={"csrf": csrf_of(page)}).status_code == 403
    )
    web.post("/logout", data={"csrf": csrf_of(page)})
    signed_in(web, "professional")
    assert web.get("/coordination/links?organisation=amb-h-1").status_code == 403
    assert web.get("/coordination/platforms").status_code == 403


def test_a_form_without_its_csrf_token_writes_nothing(web: TestClient) -> None:
    signed_in(web)
    assert web.post("/coordination/links/add", data=link_form("")).status_code == 403
    assert web.post("/coordination/platforms/add", data={"name": "X", "source": SOURCE}).status_code == 403
    page = web.get("/coordination/links?organisation=amb-h-1").text
    assert 'id="link-cpas-h-1-convention"' not in page


def test_a_link_is_edited_and_deleted_after_a_confirmation(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/links?organisation=amb-h-1").text
    csrf = csrf_of(page)
    mine = card(page, 'id="link-fp-h-2-protocol"')
    version = re.search(r'name="version" value="([^"]*)"', mine)
    assert version
    edit = {"csrf": csrf, "organisation": "amb-h-1", "partner": "fp-h-2", "old_kind": "protocol"}
    edit |= {"cooperation": "convention", "since": "2021-06-01", "until": "", "source": SOURCE, "version": version[1]}
    saved = web.post("/coordination/links/edit", data=edit)
    assert said("net_done_saved") in saved.text
    assert 'id="link-fp-h-2-protocol"' not in saved.text and 'id="link-fp-h-2-convention"' in saved.text
    stale = web.post("/coordination/links/edit", data=edit | {"old_kind": "convention", "source": "Autre source"})
    assert stale.status_code == 412
    form = stale.text[stale.text.index('id="edit-fp-h-2-convention"') :]
    assert said("net_source") in form and 'value="Autre source"' in form  # what changed, and what was typed
    asked = web.get("/coordination/links/amb-h-1/fp-h-2/convention/delete")
    assert asked.status_code == 200 and said("link_convention") in asked.text
    current = re.search(r'name="version" value="([^"]*)"', asked.text)
    assert current
    gone = web.post("/coordination/links/amb-h-1/fp-h-2/convention/delete", data={"csrf": csrf, "version": current[1]})
    assert said("net_done_deleted") in gone.text and 'id="link-fp-h-2-convention"' not in gone.text


def test_hostile_strings_are_escaped(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/platforms").text)
    saved = web.post(
        "/coordination/platforms/add",
        data={"csrf": csrf, "name": HOSTILE, "platform_kind": "coordination", "division": "", "source": SOURCE},
    )
    assert "<script>alert" not in saved.text and "<img src=x" not in saved.text
    assert "&lt;script&gt;" in saved.text
    refused = web.post("/coordination/links/add", data=link_form(csrf, source=HOSTILE, until="x"))
    assert refused.status_code == 422 and "<script>alert" not in refused.text and "&lt;script&gt;" in refused.text


def test_referral_counts_are_said_by_period(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/links?organisation=cpas-h-1&lang=fr").text
    flows = page[page.index('id="flows"') :]
    assert said("net_flows_title") in flows
    assert not re.search(r"\d{4}-Q\d", flows)  # a period in words, never its code


# --- platforms and trainings -----------------------------------------------------------------------------


def test_a_coordinator_creates_a_platform_adds_a_member_and_removes_it(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/platforms?lang=nl").text
    huy = card(page, 'id="platform-plateforme-huy"')
    assert said("net_pk_division-platform", "nl") in huy and "<dd>Hoei</dd>" in huy
    assert "division-platform" not in read(huy)
    csrf = csrf_of(page)
    new = {
        "csrf": csrf,
        "name": "Concertation Ourthe (démo)",
        "platform_kind": "case-conference",
        "division": "liege",
        "source": SOURCE,
    }
    created = web.post("/coordination/platforms/add?lang=fr", data=new)
    assert said("net_done_platform_created") in created.text and "Concertation Ourthe (démo)" in created.text
    added = web.post(
        "/coordination/platforms/concertation-ourthe-demo/members",
        data={"csrf": csrf, "organisation_id": "cpas-l-5", "role": ""},
    )
    members = card(added.text, 'id="platform-concertation-ourthe-demo"')
    assert said("net_done_member_added") in added.text and said("net_role_member") in members
    again = web.post(
        "/coordination/platforms/concertation-ourthe-demo/members", data={"csrf": csrf, "organisation_id": "cpas-l-5"}
    )
    assert again.status_code == 422 and said("err_already_member") in again.text
    removed = web.post("/coordination/platforms/concertation-ourthe-demo/members/cpas-l-5/remove", data={"csrf": csrf})
    assert said("net_no_members") in card(removed.text, 'id="platform-concertation-ourthe-demo"')


def test_a_platform_without_a_name_keeps_the_rest_and_a_stale_one_is_explained(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/coordination/platforms").text
    csrf = csrf_of(page)
    refused = web.post(
        "/coordination/platforms/add",
        data={
            "csrf": csrf,
            "name": "",
            "platform_kind": "coordination",
            "division": "verviers",
            "source": "PV du 3 mars",
        },
    )
    assert refused.status_code == 422
    form = refused.text[refused.text.index('id="new-platform-form"') :]
    assert said("err_missing") in form or said("err_string_too_short") in form
    assert 'value="PV du 3 mars"' in form and '<option value="verviers" selected>' in form
    edit = {
        "csrf": csrf,
        "name": "Plateforme Huy",
        "platform_kind": "division-platform",
        "division": "huy",
        "source": SOURCE,
        "version": "old",
    }
    stale = web.post("/coordination/platforms/plateforme-huy/edit", data=edit)
    assert (
        stale.status_code == 412 and said("net_platform_name") in stale.text and 'value="Plateforme Huy"' in stale.text
    )


def test_deleting_a_platform_says_how_many_members_go(web: TestClient) -> None:
    signed_in(web)
    asked = web.get("/coordination/platforms/plateforme-huy/delete")
    n = sum(1 for line in Path("data/demo/memberships.csv").read_text().splitlines() if ",plateforme-huy," in line)
    assert said("net_delete_platform_goes").format(n=n) in asked.text
    version = re.search(r'name="version" value="([^"]*)"', asked.text)
    assert version
    gone = web.post(
        "/coordination/platforms/plateforme-huy/delete", data={"csrf": csrf_of(asked.text), "version": version[1]}
    )
    assert said("net_done_platform_deleted") in gone.text and 'id="platform-plateforme-huy"' not in gone.text


def test_platforms_and_trainings_are_for_coordinators(web: TestClient) -> None:
    signed_in(web, "editor")
    page = web.get("/organisation").text
    assert web.get("/coordination/platforms").status_code == 403
    data = {"csrf": csrf_of(page), "name": "X", "platform_kind": "coordination", "division": "", "source": SOURCE}
    assert web.post("/coordination/platforms/add", data=data).status_code == 403


# --- the use cases on the memory and SQLite stores -------------------------------------------------------

COORDINATOR = Caller(Role.COORDINATOR, key_id="k-coord", route="test")


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, reference: Reference, tmp_path: Path) -> GraphStore:
    empty = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "relais.sqlite")
    return demo_store(empty, reference)


def test_pending_links_wait_for_the_other_end(store: GraphStore) -> None:
    network = NetworkCases(store)
    a = Caller(Role.EDITOR, key_id="k-a", organisation_id="amb-h-1")
    b = Caller(Role.EDITOR, key_id="k-b", organisation_id="cpas-h-1")
    link = Cooperation(a="amb-h-1", b="cpas-h-1", cooperation="convention", source=SOURCE)
    network.add_link(a, link)
    assert network.cooperation(a, "amb-h-1", "cpas-h-1", "convention").status is LinkStatus.PENDING
    with pytest.raises(Forbidden):
        network.confirm_link(a, link)
    network.confirm_link(b, link)
    assert network.cooperation(a, "amb-h-1", "cpas-h-1", "convention").status is LinkStatus.CONFIRMED
    with pytest.raises(Forbidden):
        network.add_link(Caller(Role.EDITOR, key_id="k-c", organisation_id="gp-h-1"), link)
    with pytest.raises(InvalidInput):
        network.add_link(COORDINATOR, link.model_copy(update={"since": "2024-02-01", "until": "2023-01-01"}))
    with pytest.raises(Stale):
        network.remove_link(COORDINATOR, link, expected="old")
    assert [c.action for c in store.changes() if c.entity == "COOPERATES_WITH" and c.key_id in ("k-a", "k-b")] == [
        "update",
        "create",
    ]  # newest first


def test_platform_and_training_use_cases_log_every_write(store: GraphStore, reference: Reference) -> None:
    cases = PlatformCases(store, reference)
    platform = Platform(id="p-test", name="Test", platform_kind="coordination", source=SOURCE)
    cases.save(COORDINATOR, platform)
    cases.add_member(COORDINATOR, Membership(organisation_id="amb-h-1", platform_id="p-test", source=SOURCE))
    with pytest.raises(Stale):
        cases.save(COORDINATOR, platform.model_copy(update={"name": "Autre"}), expected="old")
    with pytest.raises(Forbidden):
        cases.save(Caller(Role.EDITOR, organisation_id="amb-h-1"), platform, expected=None)
    assert cases.delete(COORDINATOR, Platform, "p-test", cases.version(Platform, "p-test")) == 1
    training = Training(id="t-test", title="Test", held_on="2026-01-05", terms=("sexual-violence",), source=SOURCE)
    cases.save(COORDINATOR, training)
    with pytest.raises(InvalidInput):
        cases.save(COORDINATOR, training.model_copy(update={"id": "t-2", "terms": ("no-such-term",)}))
    cases.save_attendance(
        COORDINATOR, Attendance(organisation_id="amb-h-1", training_id="t-test", participants=3, source=SOURCE)
    )
    cases.save_attendance(
        COORDINATOR, Attendance(organisation_id="amb-h-1", training_id="t-test", participants=5, source=SOURCE)
    )
    assert [a.participants for a in cases.attendances("t-test")] == [5]
    logged = [(c.entity, c.action) for c in store.changes(limit=20) if c.key_id == "k-coord"]
    for entry in [
        ("Platform", "create"),
        ("MEMBER_OF", "create"),
        ("MEMBER_OF", "delete"),
        ("Platform", "delete"),
        ("Training", "create"),
        ("ATTENDED", "update"),
    ]:
        assert entry in logged
    with pytest.raises(Forbidden):
        cases.remove_attendance(Caller(Role.PROFESSIONAL), "t-test", "amb-h-1")


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_the_network_pages_have_no_french_in_other_languages(web: TestClient, lang: str) -> None:
    signed_in(web)
    names = names_of(web)
    for path in ("/coordination/links?organisation=cpas-h-1", "/coordination/platforms", "/coordination/trainings"):
        page = web.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").text
        assert french_in(page, names) == [], path


def test_person_data_in_a_role_or_a_title_is_refused_and_kept(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/platforms").text)
    person = "Mme Dupont, née le 12/03/1980"
    refused = web.post(
        "/coordination/platforms/plateforme-huy/members",
        data={"csrf": csrf, "organisation_id": "amb-l-1", "role": person},
    )
    assert refused.status_code == 422 and 'id="members-plateforme-huy-role-error"' in refused.text
    assert f'value="{escape(person)}"' in refused.text
    training = {"csrf": csrf, "title": person, "held_on": "2026-01-05", "organiser_id": ""}
    again = web.post("/coordination/events/new", data=training)
    assert again.status_code == 422 and 'id="event-title-error"' in again.text
    assert person not in str(web.get("/v1/audit", headers={"Authorization": f"Bearer {TOKENS['coordinator']}"}).json())


def test_a_deletion_confirmed_after_a_change_deletes_nothing_and_says_so(web: TestClient) -> None:
    signed_in(web)
    asked = web.get("/coordination/events/t-medecins/delete?lang=nl")
    csrf = csrf_of(asked.text)
    again = web.post("/coordination/events/t-medecins/delete?lang=nl", data={"csrf": csrf, "version": "old"})
    assert again.status_code == 200 and said("net_delete_stale", "nl") in again.text
    assert 'id="event-t-medecins"' in web.get("/coordination/events").text
    link = web.post("/coordination/links/amb-h-1/fp-h-2/protocol/delete", data={"csrf": csrf, "version": "old"})
    assert said("net_delete_stale", "nl") in link.text and 'id="confirm-delete"' in link.text
    assert 'id="link-fp-h-2-protocol"' in web.get("/coordination/links?organisation=amb-h-1").text
