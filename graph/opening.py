"""«Ouvert maintenant»: whether a service is open at a moment, from its weekly slots and its closures.

Times are local time in Belgium; a moment given with a time zone is converted first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from graph.models import WEEK, Service

BELGIUM = ZoneInfo("Europe/Brussels")


@dataclass(frozen=True)
class Opening:
    """What a card says about now: open or not, and until when (or «unknown» when no hours are given)."""

    known: bool
    open: bool
    until: time | None = None
    """When open: the closing time of the current slot (None around the clock)."""


def opening_at(service: Service, at: datetime) -> Opening:
    """Open or closed at `at`, from the service's 24/7 flag, closures and weekly slots.

    >>> from datetime import date
    >>> from graph.models import Closure, OpeningHours, Weekday
    >>> s = Service(id="s", organisation_id="o", name="S", source="x", situations=("a",),
    ...     schedule=(OpeningHours(days=(Weekday.MONDAY,), opens=time(9), closes=time(17)),))
    >>> opening_at(s, datetime(2026, 11, 23, 10, 0))        # a Monday
    Opening(known=True, open=True, until=datetime.time(17, 0))
    >>> opening_at(s, datetime(2026, 11, 23, 17, 0)).open    # closed at the closing minute
    False
    >>> closed = s.model_copy(update={"closures": (Closure(start=date(2026, 11, 23), end=date(2026, 11, 23)),)})
    >>> opening_at(closed, datetime(2026, 11, 23, 10, 0)).open
    False
    >>> opening_at(s.model_copy(update={"schedule": ()}), datetime(2026, 11, 23, 10, 0)).known
    False
    """
    if service.open_24_7:
        return Opening(known=True, open=True)
    if not service.schedule:
        return Opening(known=False, open=False)
    local = at.astimezone(BELGIUM).replace(tzinfo=None) if at.tzinfo else at
    if any(c.start <= local.date() <= c.end for c in service.closures):
        return Opening(known=True, open=False)
    today, now = WEEK[local.weekday()], local.time()
    for slot in service.schedule:
        if today in slot.days and slot.opens <= now < slot.closes:
            return Opening(known=True, open=True, until=slot.closes)
    return Opening(known=True, open=False)
