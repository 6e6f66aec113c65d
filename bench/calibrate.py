"""Calibrate the hybrid matcher's constants on half A of the dev set; check on half B.

Usage: .venv/bin/python -m bench.calibrate [NAME=VALUE ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.devset import half, load_rows, pct, score
from bot.knowledge import load
from bot.matching import hybrid
from bot.matching.factory import build_matcher

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> None:
    for arg in sys.argv[1:]:
        name, value = arg.split("=")
        setattr(hybrid, name, float(value))
    knowledge = load(SHARED / "eval/knowledge")
    matcher = build_matcher(knowledge, progress=None)
    assert isinstance(matcher, hybrid.HybridMatcher)
    rows = load_rows(SHARED / "eval/questions-dev.jsonl")
    analyses = {r["text"]: matcher.analyse(r["text"], r["region"], r["lang"]) for r in rows}
    for part in ("A", "B"):
        sub = [r for r in rows if half(r) == part]
        c = score(sub, lambda r: matcher.judge(analyses[r["text"]]))["all"]
        print(
            f"half {part}: n={len(sub)} correct {pct(c['q_correct'], c['q_n'])}"
            f" top3 {pct(c['q_top3'], c['q_n'])} wrong {pct(c['q_wrong'], c['q_n'])}"
            f" clarify {pct(c['q_clarify'], c['q_n'])} q->none {pct(c['q_none'], c['q_n'])}"
            f" q->handover {c['q_handover']} q->smalltalk {c['q_smalltalk']}"
            f" | offtopic answered {pct(c['none_answered'], c['none_n'])}"
            f" none ok {pct(c['none_ok'], c['none_n'])}"
            f" | handover {pct(c['handover_ok'], c['handover_n'])}"
            f" smalltalk {pct(c['smalltalk_ok'], c['smalltalk_n'])}"
        )


if __name__ == "__main__":
    main()
