"""Opening hours in OpenStreetMap syntax, evaluated with Hessian public holidays."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from opening_hours import OpeningHours, State
from opening_hours import validate as _osm_valid

BERLIN = ZoneInfo("Europe/Berlin")

# opening-hours-py only knows nationwide German holidays (it misses Hessen's
# Fronleichnam), so ``PH`` is rewritten into explicit dates from ``holidays``.
_WEEKDAY_ITEM = r"(?:PH|(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)"
_LEADING_DAYS = re.compile(rf"^(\s*)({_WEEKDAY_ITEM}(?:,{_WEEKDAY_ITEM})*)(?=\s|$)(.*)$", re.S)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class HoursError(ValueError):
    """An ``hours`` value Lotse cannot evaluate; the message says why."""


@dataclass(frozen=True, slots=True)
class OpenState:
    """Whether a place is open at a moment, and when that changes."""

    is_open: bool | None
    # When it is open: when it closes. When it is closed: when it next opens.
    # None when that is unknown or more than a year away.
    next_change: datetime | None


def _split_rules(expr: str) -> list[str]:
    # Rule separators outside double-quoted comments, kept so the expression
    # can be rebuilt unchanged around the rules that mention PH.
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    i = 0
    while i < len(expr):
        ch = expr[i]
        if ch == '"':
            quoted = not quoted
        if not quoted and (ch == ";" or expr.startswith("||", i)):
            parts.append("".join(buf))
            sep = ";" if ch == ";" else "||"
            parts.append(sep)
            buf = []
            i += len(sep)
            continue
        buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _holiday_dates(first_year: int, last_year: int) -> str:
    days = holidays.Germany(subdiv="HE", years=range(first_year, last_year + 1))
    return ",".join(f"{d.year} {_MONTHS[d.month - 1]} {d.day:02d}" for d in sorted(days))


def _rewrite_rule(rule: str, dates: str) -> str:
    if not re.search(r"\bPH\b", rule):
        return rule
    m = _LEADING_DAYS.match(rule)
    if not m or "PH" not in m.group(2).split(","):
        raise HoursError("'PH' is only understood at the start of a rule, e.g. '; PH off'")
    lead, days, rest = m.group(1), m.group(2).split(","), m.group(3)
    if re.search(r"\bPH\b", rest):
        raise HoursError("'PH' is only understood at the start of a rule, e.g. '; PH off'")
    others = [d for d in days if d != "PH"]
    holiday_rule = f"{lead}{dates}{rest}"
    return f"{lead}{','.join(others)}{rest}; {holiday_rule.strip()}" if others else holiday_rule


def check(expr: str) -> None:
    """Raise :class:`HoursError` unless ``expr`` can be evaluated."""
    if not isinstance(expr, str) or not expr.strip():
        raise HoursError("must be a non-empty OpenStreetMap opening_hours text")
    if re.search(r"\bSH\b", expr):
        raise HoursError("'SH' (school holidays) is not supported; give the dates instead")
    if not _osm_valid(expr):
        raise HoursError(f"'{expr}' is not valid OpenStreetMap opening_hours syntax")
    _compile(expr, 2000)


@lru_cache(maxsize=4096)
def _compile(expr: str, year: int) -> OpeningHours:
    dates = _holiday_dates(year - 1, year + 1)
    rewritten = "".join(
        part if part in (";", "||") else _rewrite_rule(part, dates) for part in _split_rules(expr)
    )
    try:
        return OpeningHours(rewritten, max_interval_days=366)
    except (SyntaxError, ValueError) as exc:
        raise HoursError(f"'{expr}' cannot be evaluated: {exc}") from None


def state(expr: str, at: datetime) -> OpenState:
    """Evaluate ``expr`` at the aware moment ``at`` (local time is Europe/Berlin)."""
    local = at.astimezone(BERLIN).replace(tzinfo=None)
    oh = _compile(expr, local.year)
    current, _comment = oh.state(local)
    is_open = {State.OPEN: True, State.CLOSED: False}.get(current)
    change = oh.next_change(local)
    if is_open is False and change is not None:
        # A closed stretch can end in "unknown" (a comment rule); look past it.
        after, _ = oh.state(change)
        if after is not State.OPEN:
            change = None
    if change is not None and (change - local) > timedelta(days=366):
        change = None
    aware = change.replace(tzinfo=BERLIN) if change is not None else None
    return OpenState(is_open, aware)
