"""The use cases: every write and every question Relais answers, each with its validation, its
authorisation and its change-log entry, in one place.

The API routes, the dashboard forms, the CLI and the loader call these; nothing else writes to a store.

    Caller          who asks: role, organisation, key, route (for the change log)
    DirectoryCases  organisations and services: save, delete, set capacity, mark verified, bulk import
    NetworkCases    cooperation and referral links, partners, paths, the change log
    ReferralCases   refer, pathway
    AnalysisCache   the gap analysis and centrality, once per directory version
    UpkeepCases     error reports from the finder, records to verify (one by one or in bulk)
    PlatformCases   platforms and their members, trainings and their attendances
    EventCases      events, registrations (head counts), attendances confirmed, news, joint projects
    OutcomeCases    referrals made, their outcomes and unmet demand, as counts; the coordinators' view
"""

from graph.usecases.analysis import AnalysisCache
from graph.usecases.caller import ANONYMOUS, LOADER, Caller
from graph.usecases.directory import DirectoryCases, ImportReport, import_directory, sector_of
from graph.usecases.events import EventCases, EventView
from graph.usecases.network import NetworkCases
from graph.usecases.outcomes import OutcomeCases
from graph.usecases.platforms import PlatformCases
from graph.usecases.referrals import ReferralCases
from graph.usecases.upkeep import UpkeepCases

__all__ = [
    "ANONYMOUS",
    "LOADER",
    "AnalysisCache",
    "Caller",
    "DirectoryCases",
    "EventCases",
    "EventView",
    "ImportReport",
    "NetworkCases",
    "OutcomeCases",
    "PlatformCases",
    "ReferralCases",
    "UpkeepCases",
    "import_directory",
    "sector_of",
]
