"""Every Cypher query Relais runs, as constant text. Values are always parameters.

Labels and relationship types come from the closed set below; no query is ever assembled from
request data (tests/unit/test_cypher_constants.py checks that this module is the only one with Cypher).
"""

from __future__ import annotations

from typing import LiteralString

SCHEMA_VERSION = 4

SCHEMA: dict[int, tuple[LiteralString, ...]] = {
    1: (
        "CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT location_id IF NOT EXISTS FOR (n:Location) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT division_id IF NOT EXISTS FOR (n:Division) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT commune_id IF NOT EXISTS FOR (n:Commune) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT term_id IF NOT EXISTS FOR (n:Term) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT platform_id IF NOT EXISTS FOR (n:Platform) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT training_id IF NOT EXISTS FOR (n:Training) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT schema_version_id IF NOT EXISTS FOR (n:SchemaVersion) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX location_organisation IF NOT EXISTS FOR (n:Location) ON (n.organisation_id)",
        "CREATE INDEX service_organisation IF NOT EXISTS FOR (n:Service) ON (n.organisation_id)",
        "CREATE INDEX change_seq IF NOT EXISTS FOR (n:Change) ON (n.seq)",
    ),
    2: (
        # One :Change node per write (its entries as parallel lists), not one per record: a bulk load
        # wrote as many log nodes as records. Older single-entry nodes become one-entry lists.
        "MATCH (c:Change) WHERE c.entity_ids IS NULL "
        "SET c.actions = [c.action], c.entity_ids = [c.entity_id], c.diffs = [c.diff] "
        "REMOVE c.action, c.entity_id, c.diff",
    ),
    3: (
        # Counts beside the directory (`Tally`): one node per cell, its key unique across kinds; one clock
        # per kind, its version taken first by every tally write.
        "CREATE CONSTRAINT tally_key IF NOT EXISTS FOR (n:Tally) REQUIRE n.key IS UNIQUE",
        "CREATE CONSTRAINT tally_clock_kind IF NOT EXISTS FOR (n:TallyClock) REQUIRE n.kind IS UNIQUE",
        "CREATE INDEX tally_scope IF NOT EXISTS FOR (n:Tally) ON (n.kind, n.scope)",
        "CREATE INDEX tally_month IF NOT EXISTS FOR (n:Tally) ON (n.month)",
    ),
    4: (
        # The platforms' news and joint projects (events are :Training nodes, registrations REGISTERED_FOR).
        "CREATE CONSTRAINT news_id IF NOT EXISTS FOR (n:NewsPost) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE",
    ),
}
"""Schema steps by version; `bootstrap` applies those above the stored version. Each step is idempotent."""

SCHEMA_CURRENT_VERSION: LiteralString = "OPTIONAL MATCH (v:SchemaVersion {id: 'relais'}) RETURN v.version AS version"
SCHEMA_SET_VERSION: LiteralString = "MERGE (v:SchemaVersion {id: 'relais'}) SET v.version = $version"

PING: LiteralString = "RETURN 1 AS ok"

DIRECTORY_META: LiteralString = "OPTIONAL MATCH (m:DirectoryMeta {id: 'relais'}) RETURN properties(m) AS p"
"""What the store says about the directory it holds (name, fictional, source): one node, like SchemaVersion."""
SET_DIRECTORY_META: LiteralString = "MERGE (m:DirectoryMeta {id: 'relais'}) SET m += $values"

# --- records: fetch, hashes ----------------------------------------------------------------------
# One query per label: labels cannot be parameters, and the set of labels is closed.

FETCH_ALL: dict[str, LiteralString] = {
    "Division": "MATCH (n:Division) RETURN properties(n) AS p ORDER BY n.id",
    "Commune": "MATCH (n:Commune) RETURN properties(n) AS p ORDER BY n.id",
    "Term": "MATCH (n:Term) RETURN properties(n) AS p ORDER BY n.id",
    "Organisation": "MATCH (n:Organisation) RETURN properties(n) AS p ORDER BY n.id",
    "Location": "MATCH (n:Location) RETURN properties(n) AS p ORDER BY n.id",
    "Service": "MATCH (n:Service) RETURN properties(n) AS p ORDER BY n.id",
    "Platform": "MATCH (n:Platform) RETURN properties(n) AS p ORDER BY n.id",
    "Training": "MATCH (n:Training) RETURN properties(n) AS p ORDER BY n.id",
    "NewsPost": "MATCH (n:NewsPost) RETURN properties(n) AS p ORDER BY n.id",
    "Project": "MATCH (n:Project) RETURN properties(n) AS p ORDER BY n.id",
}
"""Whole listings (exports, snapshots): a label scan is what they are for."""

FETCH_IDS: dict[str, LiteralString] = {
    "Division": "UNWIND $ids AS id MATCH (n:Division {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Commune": "UNWIND $ids AS id MATCH (n:Commune {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Term": "UNWIND $ids AS id MATCH (n:Term {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Organisation": "UNWIND $ids AS id MATCH (n:Organisation {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Location": "UNWIND $ids AS id MATCH (n:Location {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Service": "UNWIND $ids AS id MATCH (n:Service {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Platform": "UNWIND $ids AS id MATCH (n:Platform {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Training": "UNWIND $ids AS id MATCH (n:Training {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "NewsPost": "UNWIND $ids AS id MATCH (n:NewsPost {id: id}) RETURN properties(n) AS p ORDER BY n.id",
    "Project": "UNWIND $ids AS id MATCH (n:Project {id: id}) RETURN properties(n) AS p ORDER BY n.id",
}
"""Lookups by id: unique-index seeks."""

FETCH_IDS_PACKED: dict[str, LiteralString] = {
    "Organisation": "UNWIND $ids AS id MATCH (n:Organisation {id: id}) RETURN collect(properties(n)) AS ps",
    "Location": "UNWIND $ids AS id MATCH (n:Location {id: id}) RETURN collect(properties(n)) AS ps",
    "Service": "UNWIND $ids AS id MATCH (n:Service {id: id}) RETURN collect(properties(n)) AS ps",
}
"""The same in one row per batch of ids, in no order: the records a candidate search names, tens of thousands
at 100k, where a row per record costs the driver more than the record (2-2.5x slower here)."""

FETCH_OF_ORGANISATION: dict[str, LiteralString] = {
    "Location": "MATCH (n:Location {organisation_id: $org}) RETURN properties(n) AS p ORDER BY n.id",
    "Service": "MATCH (n:Service {organisation_id: $org}) RETURN properties(n) AS p ORDER BY n.id",
}
"""An organisation's locations or services: index seeks on `organisation_id`."""


HASHES: dict[str, LiteralString] = {
    "Division": "UNWIND $ids AS id MATCH (n:Division {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Commune": "UNWIND $ids AS id MATCH (n:Commune {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Term": "UNWIND $ids AS id MATCH (n:Term {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Organisation": "UNWIND $ids AS id MATCH (n:Organisation {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Location": "UNWIND $ids AS id MATCH (n:Location {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Service": "UNWIND $ids AS id MATCH (n:Service {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Platform": "UNWIND $ids AS id MATCH (n:Platform {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Training": "UNWIND $ids AS id MATCH (n:Training {id: id}) RETURN n.id AS id, n.hash AS hash",
    "NewsPost": "UNWIND $ids AS id MATCH (n:NewsPost {id: id}) RETURN n.id AS id, n.hash AS hash",
    "Project": "UNWIND $ids AS id MATCH (n:Project {id: id}) RETURN n.id AS id, n.hash AS hash",
}

MISSING: dict[str, LiteralString] = {
    "Division": "UNWIND $ids AS id OPTIONAL MATCH (n:Division {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Commune": "UNWIND $ids AS id OPTIONAL MATCH (n:Commune {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Term": "UNWIND $ids AS id OPTIONAL MATCH (n:Term {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Organisation": "UNWIND $ids AS id OPTIONAL MATCH (n:Organisation {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Location": "UNWIND $ids AS id OPTIONAL MATCH (n:Location {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Service": "UNWIND $ids AS id OPTIONAL MATCH (n:Service {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Platform": "UNWIND $ids AS id OPTIONAL MATCH (n:Platform {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Training": "UNWIND $ids AS id OPTIONAL MATCH (n:Training {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "NewsPost": "UNWIND $ids AS id OPTIONAL MATCH (n:NewsPost {id: id}) WITH id, n WHERE n IS NULL RETURN id",
    "Project": "UNWIND $ids AS id OPTIONAL MATCH (n:Project {id: id}) WITH id, n WHERE n IS NULL RETURN id",
}
"""Which of these ids are not stored: reference checks return only what is wrong, not every id."""

# --- records: writes (rows = [{id, props}]) ------------------------------------------------------
# `SET n = row.props` replaces every property, so a cleared field disappears; derived relationships
# are dropped and re-created from the record.

WRITE: dict[str, LiteralString] = {
    "Division": "UNWIND $rows AS row MERGE (n:Division {id: row.id}) SET n = row.props",
    "Commune": """
        UNWIND $rows AS row
        MERGE (n:Commune {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:IN_DIVISION]->() DELETE old
        WITH DISTINCT n, row
        OPTIONAL MATCH (d:Division {id: row.props.division})
        FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END |
            MERGE (n)-[r:IN_DIVISION]->(d)
            SET r.scheme = row.props.scheme, r.valid_from = row.props.valid_from, r.source = row.props.source)
    """,
    "Term": """
        UNWIND $rows AS row
        MERGE (n:Term {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:CHILD_OF]->() DELETE old
        WITH DISTINCT n, row
        OPTIONAL MATCH (p:Term {id: row.props.parent})
        FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (n)-[:CHILD_OF]->(p))
    """,
    "Organisation": """
        UNWIND $rows AS row
        MERGE (n:Organisation {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:PART_OF]->() DELETE old
        WITH DISTINCT n, row
        OPTIONAL MATCH (p:Organisation {id: row.props.parent})
        FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (n)-[:PART_OF]->(p))
    """,
    "Location": """
        UNWIND $rows AS row
        MERGE (n:Location {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:IN]->() DELETE old
        WITH DISTINCT n, row
        MATCH (c:Commune {id: row.props.commune})
        MERGE (n)-[:IN]->(c)
    """,
    "Service": """
        UNWIND $rows AS row
        MERGE (n:Service {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:ADDRESSES|MEETS|FOR|SERVES|AT]->() DELETE old
        WITH DISTINCT n, row
        OPTIONAL MATCH ()-[old:PROVIDES]->(n) DELETE old
        WITH DISTINCT n, row
        MATCH (o:Organisation {id: row.props.organisation_id})
        MERGE (o)-[:PROVIDES]->(n)
        WITH n, row
        CALL (n, row) {
            UNWIND row.props.situations AS code MATCH (t:Term {id: code}) MERGE (n)-[:ADDRESSES]->(t)
        }
        CALL (n, row) {
            UNWIND row.props.needs AS code MATCH (t:Term {id: code}) MERGE (n)-[:MEETS]->(t)
        }
        CALL (n, row) {
            UNWIND row.props.audiences AS code MATCH (t:Term {id: code}) MERGE (n)-[:FOR]->(t)
        }
        CALL (n, row) {
            UNWIND row.props.area_divisions AS code MATCH (d:Division {id: code}) MERGE (n)-[:SERVES]->(d)
        }
        CALL (n, row) {
            UNWIND row.props.area_communes AS code MATCH (c:Commune {id: code}) MERGE (n)-[:SERVES]->(c)
        }
        CALL (n, row) {
            UNWIND row.props.location_ids AS code MATCH (l:Location {id: code}) MERGE (n)-[:AT]->(l)
        }
    """,
    "Platform": """
        UNWIND $rows AS row
        MERGE (n:Platform {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:FOR_DIVISION]->() DELETE old
        WITH DISTINCT n, row
        OPTIONAL MATCH (d:Division {id: row.props.division})
        FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (n)-[:FOR_DIVISION]->(d))
    """,
    "Training": """
        UNWIND $rows AS row
        MERGE (n:Training {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (n)-[old:COVERS]->() DELETE old
        WITH DISTINCT n, row
        CALL (n, row) {
            UNWIND row.props.terms AS code MATCH (t:Term {id: code}) MERGE (n)-[:COVERS]->(t)
        }
    """,
    "NewsPost": """
        UNWIND $rows AS row
        MERGE (n:NewsPost {id: row.id}) SET n = row.props
    """,
    "Project": """
        UNWIND $rows AS row
        MERGE (n:Project {id: row.id}) SET n = row.props
        WITH n, row
        OPTIONAL MATCH (old:Organisation)-[r:PARTNER_IN]->(n) DELETE r
        WITH DISTINCT n, row
        CALL (n, row) {
            UNWIND row.props.partner_ids AS org MATCH (o:Organisation {id: org}) MERGE (o)-[:PARTNER_IN]->(n)
        }
    """,
}

LOG_CHANGES: LiteralString = """
    UNWIND $writes AS w
    CREATE (:Change {seq: w.seq, at: w.at, key_id: w.key_id, entity: w.entity, route: w.route,
                     actions: w.actions, entity_ids: w.entity_ids, diffs: w.diffs})
"""
"""One node per write of one kind by one key through one route; its entries in parallel lists."""

CHANGES: LiteralString = "MATCH (c:Change) RETURN properties(c) AS p ORDER BY c.seq DESC LIMIT $limit"
"""The newest writes; each holds at least one entry, so `$limit` writes hold at least `$limit` entries."""
CHANGES_CONTAINING: LiteralString = """
    MATCH (c:Change) WHERE any(d IN c.diffs WHERE any(n IN $needles WHERE d CONTAINS n))
    RETURN elementId(c) AS id, c.diffs AS diffs
"""
"""Log nodes whose diffs (JSON text) hold one of the needles: the text as typed and as JSON escapes it."""
SET_CHANGE_DIFFS: LiteralString = """
    UNWIND $rows AS row
    MATCH (c:Change) WHERE elementId(c) = row.id
    SET c.diffs = row.diffs
"""
"""A purge rewrites the diffs of the log nodes it found, in the same transaction."""
DIRECTORY_VERSION: LiteralString = (
    "MATCH (c:Change) WHERE c.seq IS NOT NULL RETURN c.seq AS seq ORDER BY c.seq DESC LIMIT 1"
)
"""The newest change's sequence number, read from the end of the `change_seq` index."""
CHANGED_SINCE: LiteralString = """
    MATCH (c:Change) WHERE c.seq >= $since
    RETURN c.seq AS seq, c.entity AS entity, c.entity_ids AS entity_ids, c.diffs AS diffs ORDER BY c.seq LIMIT $limit
"""
"""The writes from the one whose `seq` is the version asked about (a range read of the `change_seq` index, in
its order): `Neo4jStore._changed_since` checks that this one is still there (a wiped log starts again)."""

EDITS_SINCE: LiteralString = """
    MATCH (c:Change) WHERE c.seq >= $since
    WITH c ORDER BY c.seq LIMIT $limit
    WITH collect(c) AS log
    WITH log, [c IN log WHERE c.seq <> $since] AS after
    WITH log, CASE WHEN reduce(n = 0, c IN after | n + size(c.entity_ids)) <= $entries THEN after ELSE [] END AS named
    RETURN [c IN log | {seq: c.seq, entity: c.entity, entity_ids: c.entity_ids, diffs: c.diffs}] AS log,
      COLLECT { UNWIND named AS c WITH c WHERE c.entity = 'Organisation' UNWIND c.entity_ids AS id WITH DISTINCT id
                MATCH (n:Organisation {id: id}) RETURN properties(n) } AS organisations,
      COLLECT { UNWIND named AS c WITH c WHERE c.entity = 'Location' UNWIND c.entity_ids AS id WITH DISTINCT id
                MATCH (n:Location {id: id}) RETURN properties(n) } AS locations,
      COLLECT { UNWIND named AS c WITH c WHERE c.entity = 'Service' UNWIND c.entity_ids AS id WITH DISTINCT id
                MATCH (n:Service {id: id}) RETURN properties(n) } AS services
"""
"""`CHANGED_SINCE` and the records named after the version's own write (unique-index seeks), in one round trip:
the first question after an edit waits for it. No record is read when the entries are more than `$entries` (a
bulk load: the caller then assumes everything changed, as `changed_since` says)."""

# --- error reports: (:ErrorReport) nodes, linked to nothing (no traversal, snapshot or count reaches them) ---

ADD_REPORT: LiteralString = "CREATE (r:ErrorReport) SET r = $props"
REPORTS: LiteralString = """
    MATCH (r:ErrorReport)
    WHERE ($status IS NULL OR r.status = $status) AND ($org IS NULL OR r.organisation_id = $org)
      AND ($id IS NULL OR r.id = $id)
    RETURN properties(r) AS p
"""
CLOSE_REPORT: LiteralString = """
    MATCH (r:ErrorReport {id: $id}) WHERE r.status = 'open'
    SET r = $props
    RETURN count(r) AS closed
"""

# --- tallies: (:Tally {key, kind, scope, month, count, ...fields}) nodes, linked to nothing (no traversal,
# snapshot, count, export or the change log reaches them), and one (:TallyClock {kind, version}) per kind.
# Every tally write takes its kinds' clocks first (sorted by kind): a write lock held to the commit, so the
# writes of a kind follow one another and a compare-and-set reads what no one else is changing.

TICK_TALLY_CLOCKS: LiteralString = """
    UNWIND $kinds AS kind
    MERGE (c:TallyClock {kind: kind})
    SET c.version = coalesce(c.version, 0) + 1
"""
ADD_TALLIES: LiteralString = """
    UNWIND $rows AS row
    MERGE (t:Tally {key: row.key})
    ON CREATE SET t += row.props, t.count = 0
    SET t.count = CASE WHEN t.count + row.count > $max THEN $max ELSE t.count + row.count END
"""
"""Increments, capped at `MAX_COUNT`; a cell of the batch written twice adds up (MERGE sees the row before)."""
SCOPE_TALLIES: LiteralString = "MATCH (t:Tally {kind: $kind, scope: $scope}) RETURN t.key AS key, t.count AS count"
REPLACE_TALLIES: LiteralString = """
    OPTIONAL MATCH (old:Tally {kind: $kind, scope: $scope})
    DETACH DELETE old
    WITH count(*) AS _
    UNWIND $rows AS row
    CREATE (t:Tally) SET t = row.props, t.count = row.count
"""
FETCH_TALLIES: LiteralString = """
    MATCH (t:Tally {kind: $kind}) WHERE $scope IS NULL OR t.scope = $scope
    RETURN properties(t) AS p
"""
OLD_TALLY_KINDS: LiteralString = "MATCH (t:Tally) WHERE t.month < $before RETURN DISTINCT t.kind AS kind ORDER BY kind"
DROP_TALLIES: LiteralString = """
    MATCH (t:Tally) WHERE t.month < $before AND t.kind IN $kinds
    DETACH DELETE t
    RETURN count(*) AS dropped
"""
"""Only the kinds whose clocks the transaction took (`OLD_TALLY_KINDS`, then `TICK_TALLY_CLOCKS`)."""
TALLY_VERSION: LiteralString = "OPTIONAL MATCH (c:TallyClock {kind: $kind}) RETURN c.version AS version"

# --- deletes --------------------------------------------------------------------------------------

DELETE_ORGANISATION: LiteralString = """
    MATCH (o:Organisation {id: $id})
    OPTIONAL MATCH (o)-[:PROVIDES]->(s:Service)
    OPTIONAL MATCH (l:Location {organisation_id: $id})
    WITH o, collect(DISTINCT s) AS services, collect(DISTINCT l) AS locations
    FOREACH (x IN services | DETACH DELETE x)
    FOREACH (x IN locations | DETACH DELETE x)
    DETACH DELETE o
    RETURN count(*) AS deleted
"""

DELETE: dict[str, LiteralString] = {
    "Division": "MATCH (n:Division {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Commune": "MATCH (n:Commune {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Term": "MATCH (n:Term {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Organisation": DELETE_ORGANISATION,
    "Location": "MATCH (n:Location {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Service": "MATCH (n:Service {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Platform": "MATCH (n:Platform {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Training": "MATCH (n:Training {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "NewsPost": "MATCH (n:NewsPost {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
    "Project": "MATCH (n:Project {id: $id}) DETACH DELETE n RETURN count(*) AS deleted",
}

# --- links: (start)-[TYPE {key props}]->(end); rows = [{start, end, key, props}] -----------------

LINK_HASHES: dict[str, LiteralString] = {
    "COOPERATES_WITH": """
        UNWIND $rows AS row
        MATCH (:Organisation {id: row.start})-[r:COOPERATES_WITH {cooperation: row.key}]->(:Organisation {id: row.end})
        RETURN row.start AS start, row.end AS end, row.key AS key, r.hash AS hash
    """,
    "REFERS_TO": """
        UNWIND $rows AS row
        MATCH (:Organisation {id: row.start})-[r:REFERS_TO {period: row.key}]->(:Organisation {id: row.end})
        RETURN row.start AS start, row.end AS end, row.key AS key, r.hash AS hash
    """,
    "MEMBER_OF": """
        UNWIND $rows AS row
        MATCH (:Organisation {id: row.start})-[r:MEMBER_OF]->(:Platform {id: row.end})
        RETURN row.start AS start, row.end AS end, row.key AS key, r.hash AS hash
    """,
    "ATTENDED": """
        UNWIND $rows AS row
        MATCH (:Organisation {id: row.start})-[r:ATTENDED]->(:Training {id: row.end})
        RETURN row.start AS start, row.end AS end, row.key AS key, r.hash AS hash
    """,
    "REGISTERED_FOR": """
        UNWIND $rows AS row
        MATCH (:Organisation {id: row.start})-[r:REGISTERED_FOR]->(:Training {id: row.end})
        RETURN row.start AS start, row.end AS end, row.key AS key, r.hash AS hash
    """,
}

WRITE_LINKS: dict[str, LiteralString] = {
    "COOPERATES_WITH": """
        UNWIND $rows AS row
        MATCH (a:Organisation {id: row.start}), (b:Organisation {id: row.end})
        MERGE (a)-[r:COOPERATES_WITH {cooperation: row.key}]->(b) SET r = row.props
    """,
    "REFERS_TO": """
        UNWIND $rows AS row
        MATCH (a:Organisation {id: row.start}), (b:Organisation {id: row.end})
        MERGE (a)-[r:REFERS_TO {period: row.key}]->(b) SET r = row.props
    """,
    "MEMBER_OF": """
        UNWIND $rows AS row
        MATCH (a:Organisation {id: row.start}), (b:Platform {id: row.end})
        MERGE (a)-[r:MEMBER_OF]->(b) SET r = row.props
    """,
    "ATTENDED": """
        UNWIND $rows AS row
        MATCH (a:Organisation {id: row.start}), (b:Training {id: row.end})
        MERGE (a)-[r:ATTENDED]->(b) SET r = row.props
    """,
    "REGISTERED_FOR": """
        UNWIND $rows AS row
        MATCH (a:Organisation {id: row.start}), (b:Training {id: row.end})
        MERGE (a)-[r:REGISTERED_FOR]->(b) SET r = row.props
    """,
}

REMOVE_LINK: dict[str, LiteralString] = {
    "COOPERATES_WITH": "MATCH (:Organisation {id: $start})-[r:COOPERATES_WITH {cooperation: $key}]->"
    "(:Organisation {id: $end}) DELETE r RETURN count(*) AS deleted",
    "REFERS_TO": "MATCH (:Organisation {id: $start})-[r:REFERS_TO {period: $key}]->(:Organisation {id: $end}) "
    "DELETE r RETURN count(*) AS deleted",
    "MEMBER_OF": "MATCH (:Organisation {id: $start})-[r:MEMBER_OF]->(:Platform {id: $end}) "
    "DELETE r RETURN count(*) AS deleted",
    "ATTENDED": "MATCH (:Organisation {id: $start})-[r:ATTENDED]->(:Training {id: $end}) "
    "DELETE r RETURN count(*) AS deleted",
    "REGISTERED_FOR": "MATCH (:Organisation {id: $start})-[r:REGISTERED_FOR]->(:Training {id: $end}) "
    "DELETE r RETURN count(*) AS deleted",
}

FETCH_LINKS: dict[str, LiteralString] = {
    "COOPERATES_WITH": "MATCH (a:Organisation)-[r:COOPERATES_WITH]->(b:Organisation) "
    "WHERE $org IS NULL OR a.id = $org OR b.id = $org RETURN properties(r) AS p",
    "REFERS_TO": "MATCH (a:Organisation)-[r:REFERS_TO]->(b:Organisation) "
    "WHERE $org IS NULL OR a.id = $org OR b.id = $org RETURN properties(r) AS p",
    "MEMBER_OF": "MATCH (a:Organisation)-[r:MEMBER_OF]->(:Platform) "
    "WHERE $org IS NULL OR a.id = $org RETURN properties(r) AS p",
    "ATTENDED": "MATCH (a:Organisation)-[r:ATTENDED]->(:Training) "
    "WHERE $org IS NULL OR a.id = $org RETURN properties(r) AS p",
    "REGISTERED_FOR": "MATCH (a:Organisation)-[r:REGISTERED_FOR]->(:Training) "
    "WHERE $org IS NULL OR a.id = $org RETURN properties(r) AS p",
}

# --- graph questions --------------------------------------------------------------------------------

# The partner search: a breadth-first search unrolled to the hard cap (6 levels), each level skipped
# once it passes $hops or finds nothing new. `NOT b IN seen` is answered from a set Neo4j builds once per
# list, so a level costs the relationships of its frontier; each new organisation's parent is the smallest
# id among the frontier organisations that reach it. One row: `found[k]` lists [id, parent] at distance k+1;
# no row when the origin does not exist. (A variable-length or SHORTEST pattern expands far more paths.)
_PARTNER_TREE_START: LiteralString = """
    MATCH (origin:Organisation {id: $id})
    WITH [origin] AS seen, [origin] AS frontier, [] AS found, 0 AS level
"""
_PARTNER_TREE_LEVEL: LiteralString = """
    CALL (seen, frontier, level) {
        UNWIND CASE WHEN level < $hops THEN frontier ELSE [] END AS f
        MATCH (f)-[r:COOPERATES_WITH]-(b:Organisation)
        WHERE NOT b IN seen AND coalesce(r.status, 'confirmed') = 'confirmed'
        WITH b, min(f.id) AS parent
        RETURN collect(b) AS next, collect([b.id, parent]) AS rows
    }
    WITH seen + next AS seen, next AS frontier, found + [rows] AS found, level + 1 AS level
"""
PARTNER_TREE_LEVELS = 6
"""Levels unrolled in `PARTNER_TREE`: `graph.store.MAX_PATH_HOPS` (a test keeps them equal)."""
PARTNER_TREE: LiteralString = _PARTNER_TREE_START + _PARTNER_TREE_LEVEL * 6 + "    RETURN found\n"

# Variable-length bounds cannot be parameters: search to the hard cap (6), keep paths within $max_hops.
SHORTEST_PATHS: LiteralString = """
    MATCH (a:Organisation {id: $from}), (b:Organisation {id: $to})
    MATCH p = allShortestPaths((a)-[:COOPERATES_WITH*..6]-(b))
    WHERE all(r IN relationships(p) WHERE coalesce(r.status, 'confirmed') = 'confirmed') AND length(p) <= $max_hops
    RETURN [n IN nodes(p) | n.id] AS ids
    LIMIT 100
"""

_CANDIDATE_FILTERS: LiteralString = """
    WITH DISTINCT s
    WHERE ($audiences IS NULL OR size(s.audiences) = 0 OR any(a IN s.audiences WHERE a IN $audiences))
      AND ($language IS NULL OR $language IN s.languages)
    WITH s, [(s)-[:AT]->(:Location)-[:IN]->(:Commune)-[:IN_DIVISION]->(d:Division) | d.id] AS located_in
    WHERE $divisions IS NULL OR s.area_scope <> 'local' OR any(d IN s.area_divisions WHERE d IN $divisions)
       OR any(d IN located_in WHERE d IN $divisions)
       OR any(d IN [(s)-[:SERVES]->(:Commune)-[:IN_DIVISION]->(d:Division) | d.id] WHERE d IN $divisions)
    MATCH (o:Organisation {status: 'active'})-[:PROVIDES]->(s)
    RETURN [s.id, s.hash, s.modified_at] AS service, [o.id, o.hash, o.modified_at] AS organisation,
           [(s)-[:AT]->(l:Location) | [l.id, l.hash, l.modified_at]] AS locations, located_in
"""
"""Each candidate as the keys of its records (id, content hash, modified_at) and the divisions of its locations
(hidden ones included; repeated when two locations share one): the adapter reuses the records it has already
validated and fetches only the others by id (`FETCH_IDS`), so a broad term's list no longer ships every
property of tens of thousands of services, organisations and locations. The divisions are pattern
comprehensions expanded from the service (three hops, each node with few relationships), not existence
checks that the planner starts from the division: at 100k this filter was most of the search."""

CANDIDATES: LiteralString = (
    """
    UNWIND $terms AS code
    MATCH (:Term {id: code})<-[:ADDRESSES|MEETS]-(s:Service {status: 'active'})
"""
    + _CANDIDATE_FILTERS
)
"""The services of the terms asked (the first question of a ranking key)."""

CANDIDATES_AMONG: LiteralString = (
    """
    UNWIND $ids AS sid
    MATCH (s:Service {id: sid, status: 'active'})
    WHERE EXISTS { (s)-[:ADDRESSES|MEETS]->(t:Term) WHERE t.id IN $terms }
"""
    + _CANDIDATE_FILTERS
)
"""The same, among some services only (by id): a kept ranking re-reading the services an edit touched."""

MEMORY_SETTINGS: LiteralString = (
    "SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'server.memory.' RETURN name, value ORDER BY name"
)
"""Heap and page cache of the server, written beside benchmark figures."""

COUNTS: LiteralString = """
    RETURN COUNT { (:Division) } AS Division, COUNT { (:Commune) } AS Commune, COUNT { (:Term) } AS Term,
           COUNT { (:Organisation) } AS Organisation, COUNT { (:Location) } AS Location,
           COUNT { (:Service) } AS Service, COUNT { (:Platform) } AS Platform, COUNT { (:Training) } AS Training,
           COUNT { (:NewsPost) } AS NewsPost, COUNT { (:Project) } AS Project,
           COUNT { ()-[:COOPERATES_WITH]->() } AS COOPERATES_WITH, COUNT { ()-[:REFERS_TO]->() } AS REFERS_TO,
           COUNT { ()-[:MEMBER_OF]->() } AS MEMBER_OF, COUNT { ()-[:ATTENDED]->() } AS ATTENDED,
           COUNT { ()-[:REGISTERED_FOR]->() } AS REGISTERED_FOR
"""

WIPE: LiteralString = "MATCH (n) WHERE NOT n:SchemaVersion CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"
"""Empties the database (tests and `relais load --replace` only)."""
