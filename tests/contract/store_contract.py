"""The GraphStore contract: one abstract test class that every store runs unchanged.

A backend joins by subclassing `StoreContract` with a `make_store()` factory (and, if its data outlive the
object, `reopen_store()`), in tests/contract/test_store_contract.py, whose `BACKENDS` is the one list of
stores: the `store` / `empty_store` fixtures of tests/conftest.py are built from the same factories.
Nothing here knows which store it runs on.
"""

from __future__ import annotations

import itertools
import random
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial

import networkx as nx
import pytest

from graph.cypher import PARTNER_TREE_LEVELS
from graph.errors import Conflict, InvalidInput, NotFound
from graph.models import (
    MAX_COUNT,
    TALLY_TYPES,
    AreaScope,
    Attendance,
    Capacity,
    Commune,
    Contact,
    ContactKind,
    ContactVisibility,
    Cooperation,
    CooperationKind,
    Division,
    ErrorReport,
    Location,
    Membership,
    Organisation,
    OutcomeReason,
    OutcomeTally,
    Platform,
    PlatformKind,
    ReferralFlow,
    ReferralTally,
    ReportReason,
    ReportStatus,
    Service,
    ServiceCandidate,
    Status,
    Tally,
    Training,
    UnmetDemand,
    Visibility,
)
from graph.reference import Reference
from graph.store import MAX_PATH_HOPS, GraphStore

SRC = "contract test fixture (fictional)"


def org(id: str, name: str | None = None, **kw: object) -> Organisation:
    return Organisation(
        id=id,
        name=name or f"Organisation fictive {id}",
        type="specialised-ambulatory",
        sector="associative",
        source=SRC,
        **kw,
    )


def loc(id: str, org_id: str, visibility: Visibility, commune: str = "62063", address: str = "") -> Location:
    return Location(
        id=id,
        organisation_id=org_id,
        commune=commune,
        visibility=visibility,
        address=address or f"Rue Exemple {id}",
        source=SRC,
    )


def svc(id: str, org_id: str, **kw: object) -> Service:
    base: dict[str, object] = {"situations": ("partner-violence",), "audiences": ("victim",)}
    base.update(kw)
    return Service(id=id, organisation_id=org_id, name=f"Service fictif {id}", source=SRC, **base)


def report(id: str, org_id: str, service_id: str | None = None, on: date = date(2026, 11, 2)) -> ErrorReport:
    return ErrorReport(
        id=id,
        organisation_id=org_id,
        service_id=service_id,
        reason=ReportReason.HOURS,
        text=f"Horaires {id}",
        reported_on=on,
    )


def referred(
    month: str = "2026-10", count: int = 1, *, to: str = "b", service: str = "sb", situation: str = "partner-violence"
) -> ReferralTally:
    return ReferralTally(month=month, count=count, from_id="a", to_id=to, service_id=service, situation=situation)


def outcome(reason: OutcomeReason, count: int, month: str = "2026-10", service: str = "sb") -> OutcomeTally:
    return OutcomeTally(month=month, count=count, organisation_id="b", service_id=service, reason=reason)


def unmet(month: str = "2026-10", count: int = 1, **kw: object) -> UnmetDemand:
    return UnmetDemand(month=month, count=count, term="forced-marriage", division="huy", **kw)


def cells(store: GraphStore, kind: type[Tally], scope: str | None = None) -> dict[tuple[str, ...], int]:
    return {t.key(): t.count for t in store.tallies(kind, scope=scope)}


def in_threads(*jobs: Callable[[], object]) -> list[BaseException]:
    """Run the jobs at once (a barrier starts them together); the exceptions they raised."""
    start, failed = threading.Barrier(len(jobs)), list[BaseException]()

    def run(job: Callable[[], object]) -> None:
        start.wait()
        try:
            job()
        except Exception as exc:  # collected for the test to judge
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return failed


def coop(a: str, b: str, kind: CooperationKind = CooperationKind.INFORMAL) -> Cooperation:
    return Cooperation(a=a, b=b, cooperation=kind, source=SRC)


def chain(store: GraphStore, ids: list[str]) -> None:
    store.upsert([org(i) for i in ids])
    store.add_links([coop(a, b) for a, b in itertools.pairwise(ids)])


class StoreContract(ABC):
    """The tests every `GraphStore` passes, written once (pyeventsourcing's abstract test case per port)."""

    backend = "abstract"
    """Short name of the store, the id of tests parametrised over `BACKENDS`."""

    request: pytest.FixtureRequest

    # --- what a backend supplies --------------------------------------------------------------------

    @abstractmethod
    def make_store(self) -> GraphStore:
        """A new, empty store (fixtures of the running test: `self.fixture(name)`)."""

    @abstractmethod
    def reopen_store(self, store: GraphStore) -> GraphStore:
        """A second handle on what `store` holds, as a new process would open it."""

    def close_store(self, store: GraphStore) -> None:
        """Release a store this class opened (a shared server connection stays open)."""
        store.close()

    # --- plumbing -------------------------------------------------------------------------------------

    def bind(self, request: pytest.FixtureRequest) -> StoreContract:
        self.request = request
        return self

    def fixture(self, name: str) -> object:
        return self.request.getfixturevalue(name)

    @pytest.fixture
    def empty_store(self, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
        store = self.bind(request).make_store()
        yield store
        self.close_store(store)

    @pytest.fixture
    def store(self, empty_store: GraphStore, reference: Reference) -> GraphStore:
        """An empty store holding the reference data (divisions, communes, taxonomy)."""
        empty_store.upsert(reference.records())
        return empty_store

    # --- protocol --------------------------------------------------------------------------------------

    def test_store_implements_protocol(self, store: GraphStore) -> None:
        assert isinstance(store, GraphStore)
        store.ping()

    def test_reference_data_is_stored(self, store: GraphStore) -> None:
        counts = store.counts()
        assert counts["Division"] == 3
        assert counts["Commune"] == 84
        assert counts["Term"] == 48
        assert store.get(Division, "liege").label_de == "Lüttich"
        assert store.get(Commune, "63079").division == "verviers"

    # --- records ---------------------------------------------------------------------------------------

    def test_upsert_then_get_round_trips_every_field(self, store: GraphStore) -> None:
        store.upsert([org("cvfe-fictif", website="https://example.org", verified_at=date(2026, 1, 5))])
        store.upsert([loc("l1", "cvfe-fictif", Visibility.PUBLIC)])
        service = svc(
            "s1",
            "cvfe-fictif",
            needs=("shelter", "psychological-support"),
            languages=("fr", "ar"),
            open_24_7=True,
            capacity=Capacity(available=2, total=10, updated_at=date(2026, 11, 1)),
            contacts=(
                Contact(kind=ContactKind.PHONE, value="04 000 00 00", visibility=ContactVisibility.PROFESSIONAL),
            ),
            area_divisions=("liege",),
            area_communes=("62096",),
            location_ids=("l1",),
        )
        store.upsert([service])
        got = store.get(Service, "s1", clearance=Visibility.HIDDEN)
        assert got.model_dump(exclude={"modified_at"}) == service.model_dump(exclude={"modified_at"})
        assert got.modified_at is not None
        assert store.get(Organisation, "cvfe-fictif").website == "https://example.org"

    def test_get_unknown_id_raises_not_found(self, store: GraphStore) -> None:
        with pytest.raises(NotFound, match="nope"):
            store.get(Organisation, "nope")

    def test_reupsert_is_idempotent_and_update_is_counted(self, store: GraphStore) -> None:
        first = store.upsert([org("a"), org("b")])
        assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
        again = store.upsert([org("a"), org("b")])
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
        changed = store.upsert([org("a", name="Nouveau nom fictif"), org("b")])
        assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
        assert store.get(Organisation, "a").name == "Nouveau nom fictif"

    def test_update_clears_a_removed_optional_field(self, store: GraphStore) -> None:
        store.upsert([org("a", website="https://example.org")])
        store.upsert([org("a")])
        assert store.get(Organisation, "a").website is None

    def test_duplicate_ids_in_one_batch_are_refused(self, store: GraphStore) -> None:
        with pytest.raises(Conflict, match="duplicate"):
            store.upsert([org("a"), org("a", name="autre")])
        assert store.counts()["Organisation"] == 0

    def test_dangling_reference_is_refused_and_nothing_written(self, store: GraphStore) -> None:
        with pytest.raises(Conflict, match="unknown Organisation «ghost»"):
            store.upsert([org("a"), svc("s1", "ghost")])
        assert store.counts()["Organisation"] == 0
        with pytest.raises(Conflict, match="unknown Term «no-such-term»"):
            store.upsert([org("a"), svc("s1", "a", needs=("no-such-term",))])

    def test_list_by_organisation(self, store: GraphStore) -> None:
        store.upsert([org("a"), org("b"), svc("s1", "a"), svc("s2", "b"), svc("s3", "a")])
        assert [s.id for s in store.list(Service, organisation_id="a")] == ["s1", "s3"]
        assert [o.id for o in store.list(Organisation)] == ["a", "b"]
        assert [o.id for o in store.list(Organisation, ids=["b", "zz"])] == ["b"]

    def test_delete_record_and_unknown_delete(self, store: GraphStore) -> None:
        store.upsert([org("a"), svc("s1", "a")])
        store.delete(Service, "s1")
        assert store.list(Service) == []
        with pytest.raises(NotFound):
            store.delete(Service, "s1")

    def test_delete_organisation_cascades_to_services_locations_links(self, store: GraphStore) -> None:
        store.upsert([org("a"), org("b"), loc("la", "a", Visibility.PUBLIC), svc("sa", "a", location_ids=("la",))])
        store.upsert(
            [
                Platform(
                    id="p",
                    name="Plateforme fictive",
                    platform_kind=PlatformKind.DIVISION_PLATFORM,
                    division="liege",
                    source=SRC,
                )
            ]
        )
        store.add_links(
            [
                coop("a", "b"),
                Membership(organisation_id="a", platform_id="p", source=SRC),
                ReferralFlow(from_id="b", to_id="a", period="2025", count=3, source=SRC),
            ]
        )
        store.delete(Organisation, "a")
        counts = store.counts()
        assert (counts["Organisation"], counts["Service"], counts["Location"]) == (1, 0, 0)
        assert (counts["COOPERATES_WITH"], counts["MEMBER_OF"], counts["REFERS_TO"]) == (0, 0, 0)
        assert store.partners("b") == {}

    def test_unicode_survives(self, store: GraphStore) -> None:
        names = {"u1": "Café des Femmes — Liège é", "u2": "Beratungsstelle Straße Süd", "u3": "جمعية النساء"}
        store.upsert([org(i, name=n) for i, n in names.items()])
        assert {o.id: o.name for o in store.list(Organisation)} == names

    def test_ten_thousand_organisations_in_one_batch(self, store: GraphStore) -> None:
        report = store.upsert([org(f"org-{i:05d}") for i in range(10_000)])
        assert report.created == 10_000
        assert store.counts()["Organisation"] == 10_000
        assert store.upsert([org(f"org-{i:05d}") for i in range(10_000)]).unchanged == 10_000

    # --- visibility ----------------------------------------------------------------------------------

    def test_hidden_locations_only_with_explicit_hidden_clearance(self, store: GraphStore) -> None:
        store.upsert([org("refuge")])
        store.upsert(
            [
                loc("pub", "refuge", Visibility.PUBLIC),
                loc("net", "refuge", Visibility.NETWORK),
                loc("sec", "refuge", Visibility.HIDDEN, address="Adresse secrète fictive 1"),
            ]
        )
        store.upsert([svc("s", "refuge", location_ids=("pub", "net", "sec"))])
        assert [x.id for x in store.list(Location)] == ["pub"]
        assert [x.id for x in store.list(Location, clearance=Visibility.NETWORK)] == ["net", "pub"]
        assert [x.id for x in store.list(Location, clearance=Visibility.HIDDEN)] == ["net", "pub", "sec"]
        with pytest.raises(NotFound):
            store.get(Location, "sec", clearance=Visibility.NETWORK)
        assert store.get(Service, "s").location_ids == ("pub",)
        assert store.get(Service, "s", clearance=Visibility.HIDDEN).location_ids == ("pub", "net", "sec")
        found = store.candidate_services(["partner-violence"], clearance=Visibility.NETWORK)
        assert [x.id for x in found[0].locations] == ["pub", "net"]
        assert "Adresse secrète" not in found[0].model_dump_json()
        assert found[0].located_in == ("liege",)

    # --- links ------------------------------------------------------------------------------------------

    def test_links_add_list_remove(self, store: GraphStore) -> None:
        store.upsert([org("a"), org("b"), org("c")])
        report = store.add_links([coop("b", "a", CooperationKind.CONVENTION), coop("a", "c")])
        assert report.created == 2
        assert store.add_links([coop("a", "b", CooperationKind.CONVENTION)]).unchanged == 1
        assert [(x.a, x.b) for x in store.links(Cooperation, organisation_id="a")] == [("a", "b"), ("a", "c")]
        assert [(x.a, x.b) for x in store.links(Cooperation, organisation_id="b")] == [("a", "b")]
        store.remove_link(coop("a", "b", CooperationKind.CONVENTION))
        assert [(x.a, x.b) for x in store.links(Cooperation)] == [("a", "c")]
        with pytest.raises(NotFound):
            store.remove_link(coop("a", "b", CooperationKind.CONVENTION))

    def test_link_to_unknown_organisation_is_refused(self, store: GraphStore) -> None:
        store.upsert([org("a")])
        with pytest.raises(Conflict, match="ghost"):
            store.add_links([coop("a", "ghost")])
        assert store.links(Cooperation) == []

    def test_referral_flows_memberships_attendance(self, store: GraphStore) -> None:
        store.upsert(
            [
                org("a"),
                org("b"),
                Platform(
                    id="pf-huy",
                    name="Plateforme fictive",
                    platform_kind=PlatformKind.DIVISION_PLATFORM,
                    division="huy",
                    source=SRC,
                ),
                Training(
                    id="t1", title="Formation fictive", held_on=date(2025, 3, 1), terms=("forced-marriage",), source=SRC
                ),
            ]
        )
        store.add_links(
            [
                ReferralFlow(from_id="a", to_id="b", period="2025", count=4, source=SRC),
                ReferralFlow(from_id="a", to_id="b", period="2024", count=2, source=SRC),
                Membership(organisation_id="a", platform_id="pf-huy", since=date(2020, 1, 1), source=SRC),
                Attendance(organisation_id="b", training_id="t1", participants=3, source=SRC),
            ]
        )
        flows = store.links(ReferralFlow, organisation_id="b")
        assert [(f.period, f.count) for f in flows] == [("2024", 2), ("2025", 4)]
        assert store.links(Membership)[0].since == date(2020, 1, 1)
        assert store.links(Attendance, organisation_id="b")[0].participants == 3
        store.add_links([ReferralFlow(from_id="a", to_id="b", period="2025", count=5, source=SRC)])
        assert [f.count for f in store.links(ReferralFlow)] == [2, 5]

    # --- graph questions ----------------------------------------------------------------------------------

    def test_partners_within_hops(self, store: GraphStore) -> None:
        chain(store, ["a", "b", "c", "d", "e"])
        assert store.partners("a") == {"b": 1}
        assert store.partners("a", hops=3) == {"b": 1, "c": 2, "d": 3}
        assert store.partners("c", hops=1) == {"b": 1, "d": 1}
        with pytest.raises(NotFound):
            store.partners("ghost")
        with pytest.raises(InvalidInput, match="hops"):
            store.partners("a", hops=7)

    def test_partner_tree_gives_distance_and_smallest_parent(self, store: GraphStore) -> None:
        chain(store, ["a", "b", "c", "d", "e"])
        store.upsert([org("x"), org("lone")])
        store.add_links([coop("a", "x"), coop("x", "c")])
        assert store.partner_tree("a") == {"b": (1, "a"), "x": (1, "a")}
        tree = store.partner_tree("a", hops=3)
        assert tree == {"b": (1, "a"), "x": (1, "a"), "c": (2, "b"), "d": (3, "c")}
        assert list(tree) == ["b", "x", "c", "d"], "ordered by (distance, id)"
        assert store.partner_tree("e", hops=6) == {
            "d": (1, "e"),
            "c": (2, "d"),
            "b": (3, "c"),
            "x": (3, "c"),
            "a": (4, "b"),
        }
        assert store.partner_tree("lone", hops=6) == {}
        assert store.partners("a", hops=3) == {k: d for k, (d, _) in tree.items()}

    def test_partner_tree_reaches_the_hard_cap(self, store: GraphStore) -> None:
        ids = [f"n{i}" for i in range(9)]
        chain(store, ids)
        tree = store.partner_tree("n0", hops=MAX_PATH_HOPS)
        assert tree == {f"n{i}": (i, f"n{i - 1}") for i in range(1, MAX_PATH_HOPS + 1)}
        assert PARTNER_TREE_LEVELS == MAX_PATH_HOPS

    def test_partner_tree_refuses_unknown_origin_and_bad_hops(self, store: GraphStore) -> None:
        chain(store, ["a", "b"])
        with pytest.raises(NotFound, match="ghost"):
            store.partner_tree("ghost")
        for hops in (0, -1, MAX_PATH_HOPS + 1):
            with pytest.raises(InvalidInput, match="hops"):
                store.partner_tree("a", hops=hops)

    def test_partner_tree_parents_are_neighbours_one_step_closer(self, store: GraphStore) -> None:
        """On a random graph: every parent is a cooperation neighbour at distance - 1, the smallest such id,
        and distances are those of networkx; the same on every store."""
        rng = random.Random(14)
        ids = [f"o{i:03d}" for i in range(120)]
        store.upsert([org(i) for i in ids])
        pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(200)}
        store.add_links([coop(a, b) for a, b in sorted(pairs)])
        graph = nx.Graph(list(pairs))
        graph.add_nodes_from(ids)
        for origin in ("o000", "o007", "o119"):
            tree = store.partner_tree(origin, hops=4)
            expected = nx.single_source_shortest_path_length(graph, origin, cutoff=4)
            assert {k: d for k, (d, _) in tree.items()} == {k: d for k, d in expected.items() if k != origin}
            distance = {origin: 0} | {k: d for k, (d, _) in tree.items()}
            for node, (d, parent) in tree.items():
                closer = sorted(n for n in graph.neighbors(node) if distance.get(n) == d - 1)
                assert parent == closer[0], (origin, node)

    def test_paths_are_shortest_and_bounded(self, store: GraphStore) -> None:
        chain(store, ["a", "b", "c", "d", "e"])
        store.upsert([org("x")])
        store.add_links([coop("a", "x"), coop("x", "c")])
        assert store.paths("a", "c") == [["a", "b", "c"], ["a", "x", "c"]]
        assert store.paths("a", "e", max_hops=3) == []
        assert store.paths("a", "e", max_hops=4) == [["a", "b", "c", "d", "e"], ["a", "x", "c", "d", "e"]]
        assert store.paths("a", "e", max_hops=4, limit=1) == [["a", "b", "c", "d", "e"]]
        with pytest.raises(InvalidInput):
            store.paths("a", "e", max_hops=9)

    def test_paths_between_unconnected_organisations_is_empty(self, store: GraphStore) -> None:
        store.upsert([org("a"), org("b")])
        assert store.paths("a", "b") == []

    def test_candidate_services_filters(self, store: GraphStore) -> None:
        store.upsert([org("liege-org"), org("huy-org"), org("wide-org"), org("closed", status=Status.INACTIVE)])
        store.upsert(
            [
                loc("l-liege", "liege-org", Visibility.PUBLIC, commune="62063"),
                loc("l-huy", "huy-org", Visibility.PUBLIC, commune="61031"),
            ]
        )
        store.upsert(
            [
                svc("s-liege", "liege-org", location_ids=("l-liege",), languages=("fr", "de")),
                svc("s-huy", "huy-org", location_ids=("l-huy",)),
                svc("s-huy-served", "liege-org", area_communes=("61031",)),
                svc("s-wide", "wide-org", area_scope=AreaScope.REGION),
                svc("s-closed", "closed", area_scope=AreaScope.REGION),
                svc("s-perp", "liege-org", audiences=("perpetrator",), location_ids=("l-liege",)),
                svc("s-other", "liege-org", situations=("forced-marriage",), location_ids=("l-liege",)),
            ]
        )

        def ids(found: list[ServiceCandidate]) -> list[str]:
            return [c.service.id for c in found]

        assert ids(store.candidate_services(["partner-violence"], divisions=["huy"])) == [
            "s-huy",
            "s-huy-served",
            "s-wide",
        ]
        assert ids(store.candidate_services(["partner-violence"], divisions=["liege"], audiences=["victim"])) == [
            "s-liege",
            "s-wide",
        ]
        assert ids(store.candidate_services(["partner-violence"], language="de")) == ["s-liege"]
        assert ids(store.candidate_services(["forced-marriage", "fgm"])) == ["s-other"]
        assert ids(store.candidate_services(["elder-abuse"])) == []

    def test_snapshot_is_a_networkx_graph_without_addresses(self, store: GraphStore) -> None:
        chain(store, ["a", "b", "c"])
        store.upsert([loc("sec", "a", Visibility.HIDDEN, address="Adresse secrète fictive 2", commune="63079")])
        store.upsert([svc("s", "a", location_ids=("sec",))])
        store.add_links([ReferralFlow(from_id="a", to_id="c", period="2025", count=1, source=SRC)])
        graph = store.snapshot()
        assert isinstance(graph, nx.MultiDiGraph)
        assert sorted(graph.nodes) == ["a", "b", "c"]
        assert graph.nodes["a"]["divisions"] == []  # a hidden site does not even give away its division
        assert graph.number_of_edges() == 3
        assert "Adresse secrète" not in repr(graph.nodes(data=True))
        store.upsert([loc("pub", "a", Visibility.NETWORK, commune="62063")])
        assert store.snapshot().nodes["a"]["divisions"] == ["liege"]

    def test_change_log_records_writes_with_key_id(self, store: GraphStore) -> None:
        store.upsert([org("a")], key_id="key-42")
        store.upsert([org("a")], key_id="key-42")
        store.upsert([org("a", name="Autre nom fictif")], key_id="key-43")
        store.delete(Organisation, "a", key_id="key-44")
        log = [(c.action, c.entity, c.entity_id, c.key_id) for c in store.changes(limit=3)]
        assert log == [
            ("delete", "Organisation", "a", "key-44"),
            ("update", "Organisation", "a", "key-43"),
            ("create", "Organisation", "a", "key-42"),
        ]

    def test_version_moves_with_every_change_and_only_then(self, store: GraphStore) -> None:
        """Caches of answers key on the version: a write that changed nothing must not move it."""
        seen = [store.version()]
        store.upsert([org("a"), org("b")])
        seen.append(store.version())
        store.upsert([org("a"), org("b")])
        assert store.version() == seen[-1]
        store.add_links([coop("a", "b")])
        seen.append(store.version())
        store.remove_link(coop("a", "b"))
        seen.append(store.version())
        store.delete(Organisation, "b")
        seen.append(store.version())
        assert len(set(seen)) == len(seen), seen

    def test_change_log_lists_the_records_of_one_batch_newest_first(self, store: GraphStore) -> None:
        store.upsert([org("a")], key_id="key-1")
        store.upsert([org("b"), org("c"), org("d")], key_id="key-2", route="POST /v1/import")
        assert [(c.entity_id, c.key_id) for c in store.changes(limit=3)] == [
            ("d", "key-2"),
            ("c", "key-2"),
            ("b", "key-2"),
        ]
        assert [c.entity_id for c in store.changes(limit=4)] == ["d", "c", "b", "a"]
        assert store.changes(limit=4)[0].route == "POST /v1/import"

    # --- persistence ----------------------------------------------------------------------------------

    def test_writes_survive_reopening(self, store: GraphStore) -> None:
        chain(store, ["a", "b"])
        store.upsert([loc("la", "a", Visibility.HIDDEN), svc("s", "a", location_ids=("la",))], key_id="key-7")
        again = self.reopen_store(store)
        try:
            assert again.get(Service, "s", clearance=Visibility.HIDDEN).location_ids == ("la",)
            assert again.get(Service, "s").location_ids == ()
            assert again.partner_tree("a") == {"b": (1, "a")}
            assert again.changes(limit=1)[0].key_id == "key-7"
            assert again.version() == store.version()
        finally:
            self.close_store(again)

    def test_directory_meta_is_kept_and_survives_reopening(self, store: GraphStore) -> None:
        """Which directory the store holds (set by a load or the demo seeding): every process says it."""
        assert store.meta() == {}
        store.set_meta({"name": "Annuaire fictif", "fictional": "true"})
        store.set_meta({"source": "data/demo"})
        again = self.reopen_store(store)
        try:
            assert again.meta() == {"name": "Annuaire fictif", "fictional": "true", "source": "data/demo"}
        finally:
            self.close_store(again)

    # --- error reports --------------------------------------------------------------------------------

    def test_error_reports_are_listed_and_closed_once_with_a_log_entry(self, store: GraphStore) -> None:
        store.upsert([org("a"), org("b"), svc("sa", "a")])
        before = store.version()
        store.add_report(report("r2", "a", "sa", on=date(2026, 11, 3)))
        store.add_report(report("r1", "a"))
        store.add_report(report("r3", "b"))
        assert store.version() == before, "a report changes nothing in the directory"
        assert [r.id for r in store.reports()] == ["r1", "r3", "r2"], "oldest first"
        assert [r.id for r in store.reports(organisation_id="a")] == ["r1", "r2"]
        assert store.report("r2") == report("r2", "a", "sa", on=date(2026, 11, 3))
        with pytest.raises(Conflict):
            store.add_report(report("r1", "b"))
        closed = store.close_report("r2", ReportStatus.ACCEPTED, key_id="key-9", route="POST /x")
        assert (closed.status, closed.closed_on) == (ReportStatus.ACCEPTED, date.today())
        store.close_report("r3", ReportStatus.DISMISSED, key_id="key-9")
        assert [r.id for r in store.reports()] == ["r1"]
        assert [r.id for r in store.reports(status=ReportStatus.ACCEPTED)] == ["r2"]
        assert [r.id for r in store.reports(status=None)] == ["r1", "r3", "r2"]
        log = store.changes(limit=2)
        assert [(c.action, c.entity, c.entity_id, c.key_id, c.diff) for c in log] == [
            ("dismiss", "ErrorReport", "r3", "key-9", {"status": ("open", "dismissed")}),
            ("accept", "ErrorReport", "r2", "key-9", {"status": ("open", "accepted")}),
        ]
        assert store.version() != before
        with pytest.raises(Conflict):
            store.close_report("r2", ReportStatus.DISMISSED)
        with pytest.raises(NotFound):
            store.close_report("nope", ReportStatus.DISMISSED)
        with pytest.raises(NotFound):
            store.report("nope")

    def test_error_reports_survive_reopening_and_stay_out_of_the_directory(self, store: GraphStore) -> None:
        chain(store, ["a", "b"])
        counts = store.counts()
        store.add_report(report("r1", "a"))
        store.add_report(report("r2", "b"))
        store.close_report("r2", ReportStatus.DISMISSED, key_id="key-3")
        again = self.reopen_store(store)
        try:
            assert [(r.id, r.status) for r in again.reports(status=None)] == [
                ("r1", ReportStatus.OPEN),
                ("r2", ReportStatus.DISMISSED),
            ]
        finally:
            self.close_store(again)
        assert store.counts() == counts
        assert "Horaires" not in repr(store.snapshot().nodes(data=True))
        assert "Horaires" not in repr(store.changes())
        assert set(store.snapshot()) == {"a", "b"}

    # --- tallies: counts beside the directory, never a case, never a day ----------------------------------

    def test_tallies_add_up_and_keep_their_cells_apart(self, empty_store: GraphStore) -> None:
        store = empty_store
        store.add_tallies([referred()])
        store.add_tallies([referred()])
        store.add_tallies([referred(count=5)])
        assert cells(store, ReferralTally) == {referred().key(): 7}
        store.add_tallies([referred(situation="forced-marriage", count=2), referred("2026-09"), referred("2026-10")])
        store.add_tallies([referred(service="sb2"), referred(service="sb2")])  # one cell twice in one batch
        store.add_tallies([unmet(), unmet(language="tr"), unmet(urgent=True), unmet()])
        assert [(t.month, t.service_id, t.situation, t.count) for t in store.tallies(ReferralTally)] == [
            ("2026-09", "sb", "partner-violence", 1),
            ("2026-10", "sb", "forced-marriage", 2),
            ("2026-10", "sb", "partner-violence", 8),
            ("2026-10", "sb2", "partner-violence", 2),
        ], "by month then key"
        assert cells(store, UnmetDemand) == {
            unmet().key(): 2,
            unmet(language="tr").key(): 1,
            unmet(urgent=True).key(): 1,
        }
        assert {(t.language, t.urgent) for t in store.tallies(UnmetDemand)} == {
            (None, False),
            ("tr", False),
            (None, True),
        }
        assert store.tallies(OutcomeTally) == []
        store.add_tallies([referred("2026-08", count=0)])
        assert "2026-08" not in {t.month for t in store.tallies(ReferralTally)}, "adding 0 keeps no cell"

    def test_a_cell_is_capped_at_the_largest_count(self, empty_store: GraphStore) -> None:
        empty_store.add_tallies([referred(count=MAX_COUNT - 1)])
        empty_store.add_tallies([referred(count=5)])
        empty_store.add_tallies([referred(count=MAX_COUNT)])
        assert cells(empty_store, ReferralTally) == {referred().key(): MAX_COUNT}

    def test_replace_tallies_swaps_a_scope_and_refuses_a_stale_one(self, empty_store: GraphStore) -> None:
        store = empty_store
        store.replace_tallies(OutcomeTally, "sb/2026-09", [], [outcome(OutcomeReason.ACCEPTED, 4, "2026-09")])
        first = [outcome(OutcomeReason.ACCEPTED, 2), outcome(OutcomeReason.NO_PLACE, 3)]
        store.replace_tallies(OutcomeTally, "sb/2026-10", [], first)
        assert cells(store, OutcomeTally, "sb/2026-10") == {t.key(): t.count for t in first}
        second = [outcome(OutcomeReason.NO_PLACE, 4), outcome(OutcomeReason.DECLINED, 0)]
        store.replace_tallies(OutcomeTally, "sb/2026-10", [*first, outcome(OutcomeReason.DECLINED, 0)], second)
        assert cells(store, OutcomeTally, "sb/2026-10") == {second[0].key(): 4}, "swapped whole; zeros not kept"
        version = store.tally_version(OutcomeTally)
        with pytest.raises(Conflict):
            store.replace_tallies(OutcomeTally, "sb/2026-10", first, [outcome(OutcomeReason.ACCEPTED, 9)])
        with pytest.raises(Conflict):
            store.replace_tallies(OutcomeTally, "sb/2026-10", [], [outcome(OutcomeReason.ACCEPTED, 9)])
        assert cells(store, OutcomeTally, "sb/2026-10") == {second[0].key(): 4}, "nothing written"
        assert store.tally_version(OutcomeTally) == version
        assert cells(store, OutcomeTally, "sb/2026-09") == {outcome(OutcomeReason.ACCEPTED, 4, "2026-09").key(): 4}
        with pytest.raises(InvalidInput):
            store.replace_tallies(
                OutcomeTally, "sb/2026-10", second[:1], [outcome(OutcomeReason.ACCEPTED, 1, "2026-09")]
            )
        with pytest.raises(InvalidInput):
            store.replace_tallies(OutcomeTally, "sb/2026-10", second[:1], [second[0], second[0]])
        store.replace_tallies(OutcomeTally, "sb/2026-10", second[:1], [])
        assert cells(store, OutcomeTally) == {outcome(OutcomeReason.ACCEPTED, 4, "2026-09").key(): 4}

    def test_drop_tallies_drops_only_older_months_of_every_kind(self, empty_store: GraphStore) -> None:
        store = empty_store
        for month in ("2024-10", "2024-11", "2024-12"):
            store.add_tallies([referred(month), unmet(month)])
            store.replace_tallies(OutcomeTally, f"sb/{month}", [], [outcome(OutcomeReason.NO_PLACE, 3, month)])
        versions = {k: store.tally_version(k) for k in TALLY_TYPES}
        assert store.drop_tallies("2024-11") == 3
        for kind in TALLY_TYPES:
            assert sorted(t.month for t in store.tallies(kind)) == ["2024-11", "2024-12"], kind
            assert store.tally_version(kind) != versions[kind], kind
        versions = {k: store.tally_version(k) for k in TALLY_TYPES}
        assert store.drop_tallies("2024-11") == 0
        assert {k: store.tally_version(k) for k in TALLY_TYPES} == versions, "nothing dropped, nothing moved"

    def test_tally_version_moves_with_writes_of_its_kind_only(self, empty_store: GraphStore) -> None:
        store = empty_store

        def moved(write: Callable[[], object]) -> set[str]:
            """The kinds whose tally version `write` moved."""
            before = {k: store.tally_version(k) for k in TALLY_TYPES}
            write()
            return {k.kind for k in TALLY_TYPES if store.tally_version(k) != before[k]}

        assert moved(lambda: store.add_tallies([referred()])) == {"referral"}
        assert moved(lambda: store.add_tallies([unmet()])) == {"unmet"}
        assert moved(lambda: store.add_tallies([referred(), unmet()])) == {"referral", "unmet"}
        outcomes = [outcome(OutcomeReason.ACCEPTED, 3)]
        assert moved(lambda: store.replace_tallies(OutcomeTally, "sb/2026-10", [], outcomes)) == {"outcome"}
        assert moved(lambda: store.add_tallies([referred(count=0)])) == set()
        assert moved(lambda: store.upsert([org("a")])) == set()

    def test_tallies_move_neither_the_version_nor_the_change_log(self, store: GraphStore) -> None:
        """A change's time is finer than the month: no count may ever be written with one."""
        store.upsert([org("a"), org("b"), svc("sb", "b")], key_id="key-1")
        version, log, counts = store.version(), store.changes(limit=1000), store.counts()
        store.add_tallies([referred(), referred(count=4), unmet()])
        store.replace_tallies(OutcomeTally, "sb/2026-10", [], [outcome(OutcomeReason.NO_PLACE, 3)])
        store.replace_tallies(OutcomeTally, "sb/2026-10", [outcome(OutcomeReason.NO_PLACE, 3)], [])
        store.add_tallies([referred("2020-01")])
        store.drop_tallies("2021-01")
        assert store.version() == version
        assert store.changes(limit=1000) == log
        assert store.changed_since(version) == []
        assert store.counts() == counts, "no count of the directory counts them"
        assert not {c.entity for c in log} & {
            "Tally",
            *(k.kind for k in TALLY_TYPES),
            *(k.__name__ for k in TALLY_TYPES),
        }

    def test_snapshot_carries_recorded_referrals_summed_per_month(self, store: GraphStore) -> None:
        chain(store, ["a", "b", "c"])
        store.add_tallies(
            [
                referred(count=2),
                referred(count=3, service="sb2", situation="forced-marriage"),
                referred("2026-11"),
                referred(count=4, to="ghost"),  # an organisation deleted since: no edge to nowhere
            ]
        )
        store.add_links([ReferralFlow(from_id="a", to_id="b", period="2025", count=6, source=SRC)])
        edges = {(u, v, k): d for u, v, k, d in store.snapshot().edges(keys=True, data=True) if d["kind"] == "referral"}
        assert edges == {
            ("a", "b", "referral:2025"): {"kind": "referral", "period": "2025", "count": 6},
            ("a", "b", "referral:2026-10:recorded"): {
                "kind": "referral",
                "period": "2026-10",
                "count": 5,
                "recorded": True,
            },
            ("a", "b", "referral:2026-11:recorded"): {
                "kind": "referral",
                "period": "2026-11",
                "count": 1,
                "recorded": True,
            },
        }
        assert set(store.snapshot()) == {"a", "b", "c"}

    def test_tallies_survive_reopening_and_another_handle_sees_them_at_once(self, empty_store: GraphStore) -> None:
        store = empty_store
        store.add_tallies([referred(count=2), unmet()])
        store.replace_tallies(OutcomeTally, "sb/2026-10", [], [outcome(OutcomeReason.NO_PLACE, 3)])
        again = self.reopen_store(store)
        try:
            assert cells(again, ReferralTally) == {referred().key(): 2}
            assert cells(again, OutcomeTally, "sb/2026-10") == {outcome(OutcomeReason.NO_PLACE, 3).key(): 3}
            assert [(t.term, t.division, t.count) for t in again.tallies(UnmetDemand)] == [
                ("forced-marriage", "huy", 1)
            ]
            again.add_tallies([referred(count=5)])
            assert cells(store, ReferralTally) == {referred().key(): 7}, "the other handle's count, at once"
            store.add_tallies([referred()])
            assert cells(again, ReferralTally) == {referred().key(): 8}
            assert {k: again.tally_version(k) for k in TALLY_TYPES} == {k: store.tally_version(k) for k in TALLY_TYPES}
            with pytest.raises(Conflict):
                again.replace_tallies(OutcomeTally, "sb/2026-10", [], [outcome(OutcomeReason.ACCEPTED, 1)])
        finally:
            self.close_store(again)

    def test_concurrent_increments_never_lose_a_count(self, empty_store: GraphStore) -> None:
        """Two writers (two handles: two workers of one server) each count 200 referrals to the same cell."""
        other = self.reopen_store(empty_store)

        def count(store: GraphStore) -> None:
            for _ in range(200):
                store.add_tallies([referred()])

        try:
            assert in_threads(partial(count, empty_store), partial(count, other)) == []
            assert cells(empty_store, ReferralTally) == cells(other, ReferralTally) == {referred().key(): 400}
        finally:
            self.close_store(other)

    def test_concurrent_replacements_of_one_scope_let_exactly_one_win(self, empty_store: GraphStore) -> None:
        """Both read the same counts and save: the second must be told they changed, not overwrite them."""
        other = self.reopen_store(empty_store)
        scope = "sb/2026-10"
        try:
            start = [outcome(OutcomeReason.NO_PLACE, 3)]
            empty_store.replace_tallies(OutcomeTally, scope, [], start)
            for n in range(5):
                mine, theirs = outcome(OutcomeReason.ACCEPTED, 10 + n), outcome(OutcomeReason.DECLINED, 20 + n)
                failed = in_threads(
                    partial(empty_store.replace_tallies, OutcomeTally, scope, start, [mine]),
                    partial(other.replace_tallies, OutcomeTally, scope, start, [theirs]),
                )
                assert len(failed) == 1 and isinstance(failed[0], Conflict), failed
                [won] = [t for t in (mine, theirs) if cells(empty_store, OutcomeTally) == {t.key(): t.count}]
                assert cells(other, OutcomeTally) == {won.key(): won.count}
                start = [won]
        finally:
            self.close_store(other)
