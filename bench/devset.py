"""Scoring decisions against the labelled dev questions (helpers for bench/matching.py)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.matching.decision import Decision

SPECIAL = ("none", "handover", "smalltalk")


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def half(row: dict) -> str:
    """A fixed split by text hash: 'A' for calibration, 'B' for checking."""
    digest = hashlib.sha256(row["text"].encode()).digest()
    return "A" if digest[0] % 2 == 0 else "B"


def expected(row: dict) -> tuple[str, ...]:
    e = row["expect"]
    return tuple(e) if isinstance(e, list) else (e,)


def score(rows: Iterable[dict], decide: Callable[[dict], Decision]) -> dict[str, Counter]:
    """Count outcomes per language (and 'all')."""
    out: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        d = decide(row)
        exp = expected(row)
        for key in (row["lang"], "all"):
            c = out[key]
            if exp[0] in SPECIAL:
                kind = exp[0]
                c[f"{kind}_n"] += 1
                c[f"{kind}_ok"] += d.action == kind
                if kind == "none":
                    c["none_answered"] += d.action in ("answer", "clarify")
            else:
                c["q_n"] += 1
                c["q_correct"] += d.action == "answer" and d.entry in exp
                c["q_top3"] += d.action in ("answer", "clarify") and any(
                    x in d.candidates[:3] for x in exp
                )
                c["q_wrong"] += d.action == "answer" and d.entry not in exp
                c["q_clarify"] += d.action == "clarify"
                c["q_none"] += d.action == "none"
                c["q_handover"] += d.action == "handover"
                c["q_smalltalk"] += d.action == "smalltalk"
    return out


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"
