"""The network map in a platform meeting (issue 17, item 8): filters, search, the list beside the map from the
keyboard, the legend; axe-core finds no violation on the map, the division report and the dashboard.
Screenshots fr/nl at 1280 and 360 px land in test-artefacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from tests.api.conftest import TOKENS
from tests.browser.conftest import shoot, sign_in
from tests.browser.test_hostile_strings import HOSTILE, ORG, hostile_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
PROVIDERS = "/v1/gaps/providers?term=forced-marriage&division=liege&lang=nl"


def _open_map(page: Any, server: str, lang: str, query: str = "") -> None:
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.wait_for_url(re.compile(r".*/coordination.*"))
    page.goto(f"{server}/v1/map?lang={lang}{query}")
    page.wait_for_function("() => window.relaisMapReady === true", timeout=20000)


def _shown(page: Any) -> list[str]:
    """The organisations the list shows (the map draws the same ones)."""
    return list(
        page.evaluate("[...document.querySelectorAll('#org-list > li:not([hidden])')].map(li => li.dataset.id)")
    )


def _on_map(page: Any) -> set[str]:
    return set(page.evaluate("window.relaisNetwork.body.data.nodes.getIds()"))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_filters_change_what_the_map_and_the_list_show(page: Any, server: str, lang: str) -> None:
    _open_map(page, server, lang)
    everyone = _shown(page)
    assert len(everyone) > 100 and _on_map(page) == set(everyone)
    shoot(page, "map-meeting", lang)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.select_option("#f-division", "huy")
    huy = _shown(page)
    assert 0 < len(huy) < len(everyone) and _on_map(page) == set(huy)
    assert all(page.get_attribute(f"#org-{o}", "data-division") == "huy" for o in huy)
    said = page.inner_text("#shown")
    assert str(len(huy)) in said and ("organisations affichées" if lang == "fr" else "organisaties getoond") in said
    page.select_option("#f-sector", "police")
    assert set(_shown(page)) < set(huy)
    page.uncheck("input[name=kind][value=convention]")
    kinds = page.evaluate("window.relaisNetwork.body.data.edges.get().map(e => e.kinds)")
    assert kinds and all(set(k) - {"convention"} for k in kinds), "no link shown only for an unticked kind"
    options = page.inner_text("#f-division")
    assert ("Hoei" if lang == "nl" else "Huy") in options and "huy" not in options


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_search_focuses_an_organisation_and_its_partners(page: Any, server: str, lang: str) -> None:
    _open_map(page, server, lang)
    page.fill("#q", "CPAS Exemple-Vesdre 4")
    page.press("#q", "Enter")
    panel = page.locator("#org-panel")
    panel.wait_for(state="visible")
    assert "CPAS Exemple-Vesdre 4" in panel.inner_text()
    assert page.evaluate("window.relaisNetwork.getSelectedNodes()") == ["cpas-v-4"]
    assert page.evaluate("document.activeElement.id") == "panel-title"
    links = [panel.locator("a").nth(i).get_attribute("href") for i in range(panel.locator("a").count())]
    assert f"/organisation?organisation=cpas-v-4&lang={lang}" in links
    assert f"/coordination/links?organisation=cpas-v-4&lang={lang}" in links
    page.wait_for_timeout(600)
    shoot(page, "map-meeting-focus", lang)
    page.fill("#q", "nulle part xyz")
    page.press("#q", "Enter")
    assert "nulle part xyz" in page.inner_text("#search-status")


def test_the_list_works_from_the_keyboard_alone(page: Any, server: str) -> None:
    _open_map(page, server, "fr", "&division=verviers")
    elsewhere = "[...document.querySelectorAll('#org-list dd li')].filter(li => !li.querySelector('button'))"
    assert page.evaluate(f"{elsewhere}.length") > 0, "partners off a division's map are named, as text"
    page.focus("#org-list button[data-focus]")
    first = page.evaluate("document.activeElement.dataset.focus")
    page.keyboard.press("Enter")
    assert page.evaluate("window.relaisNetwork.getSelectedNodes()") == [first]
    assert page.evaluate("document.activeElement.id") == "panel-title"
    for _ in range(40):  # Tab on from the panel through the list until a partner's button
        page.keyboard.press("Tab")
        here = page.evaluate("[document.activeElement.dataset.focus, !!document.activeElement.closest('#org-list dd')]")
        if here[1]:
            break
    partner = here[0]
    assert partner and partner != first
    page.keyboard.press("Enter")
    assert page.evaluate("window.relaisNetwork.getSelectedNodes()") == [partner]
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_legend_names_sectors_marks_and_link_kinds(page: Any, server: str, lang: str) -> None:
    _open_map(page, server, lang)
    legend = page.inner_text(".legend")
    kinds = page.inner_text("#map-filters fieldset")
    if lang == "fr":
        assert "Police" in legend and "point unique de rupture" in legend
        assert all(k in kinds for k in ("Convention", "Protocole", "Concertation de cas", "Informel"))
    else:
        assert "Politie" in legend and "enig breekpunt" in legend
        assert all(k in kinds for k in ("Overeenkomst", "Protocol", "Casusoverleg", "Informeel"))
    colours = page.evaluate("[...document.querySelectorAll('#map-filters .line')].map(s => s.style.borderTopColor)")
    assert len(set(colours)) == 5  # the four cooperation kinds and joint projects


@pytest.mark.parametrize(
    "path",
    [
        "/v1/map?lang=fr",
        "/v1/map?lang=nl&division=huy",
        "/v1/report?division=huy&lang=nl",
        "/coordination?lang=fr",
        PROVIDERS,
    ],
)
def test_axe_finds_no_violation(page: Any, server: str, path: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], "fr")
    page.wait_for_url(re.compile(r".*/coordination.*"))
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert found == [], results.generate_report()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_gap_list_filters_in_place_and_each_gap_opens_its_form(page: Any, server: str, lang: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.wait_for_url(re.compile(r".*/coordination.*"))
    rows = page.locator("#gaps tbody tr")
    everything = rows.count()
    page.select_option("#gap-division", "huy")
    page.click(".gap-filters button")
    page.wait_for_url(re.compile(r".*gap_division=huy.*#gaps"))
    assert 0 < rows.count() < everything
    assert {page.inner_text(f"#gaps tbody tr:nth-child({i + 1}) td:first-child") for i in range(rows.count())} == {
        "Hoei" if lang == "nl" else "Huy"
    }
    assert re.search(r"\bhuy\b", page.inner_text("#gaps")) is None, "a division's code shown"
    shoot(page, "gap-list", lang, target=None)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.select_option("#gap-kind", "coverage-gap")
    page.click(".gap-filters button")
    fix = page.locator("#gaps tbody tr[data-kind=coverage-gap] form.gap-fix").first
    chosen = fix.locator("select").input_value()
    fix.locator("button").click()
    page.wait_for_url(re.compile(r".*/organisation\?.*"))
    assert f"organisation={chosen}" in page.url and "new_service_situation=forced-marriage" in page.url
    assert page.url.endswith("#new-service")


def test_a_heatmap_cell_opens_its_providers(page: Any, server: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], "nl")
    page.wait_for_url(re.compile(r".*/coordination.*"))
    legend = page.inner_text("#heatmap .heat-legend")
    assert "geen (leemte)" in legend and "1 (kwetsbaar)" in legend
    shoot(page, "heatmap-table", "nl", target=page.locator("#heatmap"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#heatmap a[href*='term=forced-marriage&division=liege']")
    page.wait_for_url(re.compile(r".*/v1/gaps/providers.*"))
    assert "Gedwongen huwelijk" in page.inner_text("h1") and "Luik" in page.inner_text("h1")
    first = page.locator("main li a").first
    assert first.get_attribute("href").startswith("/organisation?organisation=")
    shoot(page, "heatmap-providers", "nl")


def test_a_hostile_name_is_text_in_the_list_the_panel_and_the_search(
    browser: Any,
    hostile_server: str,  # noqa: F811 (the fixture imported above)
) -> None:
    """The script builds the list from the data: a name made of markup stays the name, nothing runs."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, hostile_server, TOKENS["coordinator"], "fr")
    page.wait_for_url(re.compile(r".*/coordination.*"))
    page.goto(f"{hostile_server}/v1/map?division=huy")
    page.wait_for_function("() => window.relaisMapReady === true", timeout=20000)
    name = HOSTILE.replace("\u2028", " ").replace("\u2029", " ").split("</script>")[0]
    assert name in page.inner_text(f"#org-{ORG} h3").replace("\u2028", " ").replace("\u2029", " ")
    assert page.evaluate("document.querySelectorAll('#org-list img, #org-list svg, #org-list script').length") == 0
    page.fill("#q", "Z </script>")
    page.press("#q", "Enter")
    page.locator("#org-panel").wait_for(state="visible")
    assert page.evaluate("window.relaisNetwork.getSelectedNodes()") == [ORG]
    assert page.evaluate("document.querySelectorAll('#org-panel img, #org-panel svg').length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.close()
