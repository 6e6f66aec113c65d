"""``python -m bot report``: what the bot could not answer, feedback, handovers, languages."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

from bot.matching.normalize import fold
from bot.privacy import mask
from bot.store.sqlite import Database

TOP = 30


def _group_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip(" ?!.")


async def build(db: Database, days: int, now: datetime) -> str:
    """Return the report for the last ``days`` days as plain text."""
    since = now - timedelta(days=days)
    first_day: date = since.date()
    async with db.transaction() as tx:
        unanswered = await tx.stats.unanswered_since(since)
        feedback = await tx.stats.feedback_since(first_day)
        opened = await tx.stats.daily(first_day, "handover_opened")
        claimed = dict((d, v) for d, _k, v in await tx.stats.daily(first_day, "handover_claimed"))
        waited = dict(
            (d, v) for d, _k, v in await tx.stats.daily(first_day, "handover_wait_seconds")
        )
        questions = await tx.stats.daily(first_day, "questions")
    out = [f"Lotse report, {first_day.isoformat()} to {now.date().isoformat()} ({days} days)", ""]

    groups: Counter[str] = Counter()
    shown: dict[str, tuple[str, str | None]] = {}
    for text, language, _at in unanswered:
        key = _group_key(text)
        groups[key] += 1
        shown.setdefault(key, (mask(text), language))
    out.append(f"Questions the bot could not answer: {len(unanswered)}")
    for key, n in groups.most_common(TOP):
        text, language = shown[key]
        out.append(f"  {n:>4} × [{language or '?'}] {text[:120]}")
    out.append("")

    out.append("Feedback per entry (helpful / not helpful):")
    out += [f"  {entry:<45} {yes:>4} / {no:<4}" for entry, yes, no in feedback] or ["  none yet"]
    out.append("")

    out.append("Handovers per day (opened, claimed, average wait):")
    for day, _key, n in opened:
        got = claimed.get(day, 0)
        wait = f"{waited.get(day, 0) / got / 60:.0f} min" if got else "–"
        out.append(f"  {day}  {n:>4} opened  {got:>4} claimed  {wait:>8}")
    if not opened:
        out.append("  none")
    out.append("")

    per_language: Counter[str] = Counter()
    for _day, language, n in questions:
        per_language[language] += n
    out.append("Questions per language:")
    total = sum(per_language.values()) or 1
    out += [
        f"  {lang:<4} {n:>6}  {100 * n / total:5.1f} %" for lang, n in per_language.most_common()
    ]
    if not per_language:
        out.append("  none")
    return "\n".join(out)
