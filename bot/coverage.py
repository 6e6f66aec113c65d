"""What a knowledge base lacks: translations per language and entries not checked for a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.knowledge import Knowledge
from bot.languages import LANGUAGES


@dataclass(frozen=True, slots=True)
class LanguageCoverage:
    """Counts for one language."""

    language: str
    titles: int
    answers: int
    questions: int
    texts: int


@dataclass(frozen=True, slots=True)
class Coverage:
    """The coverage report of one base."""

    entries: int
    text_keys: int
    languages: tuple[LanguageCoverage, ...]
    stale: tuple[tuple[str, str, date | None], ...]  # (id, where, updated)


def measure(knowledge: Knowledge, today: date | None = None) -> Coverage:
    """Count, per language, titles, answers, example questions and bot texts."""
    today = today or date.today()
    seen = {lang for e in knowledge.entries for lang in (*e.title, *e.answer, *e.questions)}
    languages = list(LANGUAGES) + sorted(seen - set(LANGUAGES))
    by_key = knowledge.texts.by_key
    rows = tuple(
        LanguageCoverage(
            language=lang,
            titles=sum(lang in e.title for e in knowledge.entries),
            answers=sum(lang in e.answer for e in knowledge.entries),
            questions=sum(bool(e.questions.get(lang)) for e in knowledge.entries),
            texts=sum(lang in variants for variants in by_key.values()),
        )
        for lang in languages
    )
    limit = today - timedelta(days=365)
    stale = tuple(
        (e.id, f"{e.source}:{e.line}", e.updated)
        for e in knowledge.entries
        if e.updated is None or e.updated < limit
    )
    return Coverage(len(knowledge.entries), len(by_key), rows, stale)


def render(cov: Coverage) -> str:
    """Format the report as a plain-text table an admin can read or paste."""
    n, t = cov.entries, cov.text_keys
    lines = [
        f"{n} entries, {t} bot texts",
        "",
        f"{'lang':<5} {'titles':>11} {'answers':>11} {'questions':>11} {'bot texts':>11}",
    ]
    for row in cov.languages:
        cells = [(row.titles, n), (row.answers, n), (row.questions, n), (row.texts, t)]
        lines.append(f"{row.language:<5} " + " ".join(f"{f'{a}/{b}':>11}" for a, b in cells))
    lines.append("")
    if cov.stale:
        lines.append(
            f"{len(cov.stale)} entries not checked within a year (updated missing or old):"
        )
        for entry_id, where, updated in cov.stale:
            lines.append(
                f"  {entry_id:<40} {updated.isoformat() if updated else 'no date':<10}  {where}"
            )
    else:
        lines.append("every entry was checked within the last year")
    return "\n".join(lines)
