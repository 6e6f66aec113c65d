"""Calibrate the hybrid matcher on the knowledge bases' own examples, never on dev or test lines.

Usage: .venv/bin/python -m bench.calibrate [--check-dev]

Held-out examples stand in for users: the eval fixture's example questions
and the intent examples are split in two by a hash of their text; a matcher is
built over the base without one half and asked the held-out half, and the
other way round. A second run drops every example question (a base converted
from a website has none), a third also every language but German and English
and asks the other languages' questions (across languages). The script
prints ranking accuracy for a grid of weights and the outcome of the decision
constants on the held-out examples; ``--fit`` fits the decision models
(`bot/matching/verdict.py`) on them; ``--check-dev`` then reports the dev set,
which is only ever used to check.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
from collections import Counter
from pathlib import Path

import numpy as np

from bot.knowledge import Knowledge, load
from bot.matching import hybrid
from bot.matching.factory import shared_embedder
from bot.matching.hybrid import Analysis, HybridMatcher
from bot.matching.verdict import KINDS

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# How far the kind model's classes are balanced (0: as the examples come, 1: equal).
BALANCE = 0.75


def fold(text: str) -> int:
    """A fixed split of example texts by hash."""
    return hashlib.sha256(text.encode()).digest()[0] % 2


@dataclasses.dataclass
class Probe:
    """One held-out example: its text, language, region and what it should get."""

    text: str
    lang: str
    region: str | None
    expect: str  # an entry id, or the intent name


def held_out(knowledge: Knowledge, part: int, drop_all: bool) -> tuple[Knowledge, list[Probe]]:
    """The base without the examples of ``part`` (or without any question), and those examples."""
    probes: list[Probe] = []
    entries = []
    for e in knowledge.entries:
        kept: dict[str, tuple[str, ...]] = {}
        for lang, qs in e.questions.items():
            for q in qs:
                if fold(q) == part:
                    probes.append(Probe(q, lang, e.region, e.id))
            rest = tuple(q for q in qs if fold(q) != part and not drop_all)
            if rest:
                kept[lang] = rest
        entries.append(dataclasses.replace(e, questions=kept))
    intents: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, by_lang in knowledge.intents.items():
        intents[name] = {}
        for lang, texts in by_lang.items():
            intents[name][lang] = tuple(t for t in texts if fold(t) != part)
            probes.extend(Probe(t, lang, None, name) for t in texts if fold(t) == part)
    return dataclasses.replace(knowledge, entries=tuple(entries), intents=intents), probes


def german_english(knowledge: Knowledge) -> Knowledge:
    """The base as a county might first write it: German and English text only."""

    def keep(by_lang: dict) -> dict:
        return {k: v for k, v in by_lang.items() if k in ("de", "en")}

    entries = tuple(
        dataclasses.replace(
            e, title=keep(e.title), answer=keep(e.answer), keywords=keep(e.keywords)
        )
        for e in knowledge.entries
    )
    return dataclasses.replace(knowledge, entries=entries)


def analyses(
    knowledge: Knowledge, drop_all: bool, across: bool = False
) -> list[tuple[Probe, Analysis, HybridMatcher]]:
    """Analyse every held-out example against a matcher built without it.

    ``across``: the base keeps only German and English text and is asked
    the other languages' example questions (across languages).
    """
    embedder = shared_embedder()
    assert embedder is not None, "calibration needs the model"
    out = []
    for part in (0, 1):
        base, probes = held_out(knowledge, part, drop_all)
        if across:
            base = german_english(base)
            probes = [p for p in probes if p.lang not in ("de", "en")]
        matcher = HybridMatcher(base, embedder)
        for p in probes:
            out.append((p, matcher.analyse(p.text, p.region, p.lang), matcher))
    return out


def rank_score(a: Analysis, w_title: float, w_question: float, lexical: float) -> np.ndarray:
    """Recombine an analysis's evidence with other weights."""
    total = np.nan_to_num(a.kinds["answer"], nan=0.0).astype(np.float64)
    total += w_title * np.nan_to_num(a.kinds.get("title", total * 0), nan=0.0)
    if "question" in a.kinds:
        total += w_question * np.nan_to_num(a.kinds["question"], nan=0.0)
    total += lexical / np.log(max(len(a.score), 2) + 1) * a.lexical.scores
    return np.where(np.isfinite(a.score), total, -np.inf)


def grid(runs: dict[str, list[tuple[Probe, Analysis, HybridMatcher]]]) -> None:
    """Top-1 and top-3 of the held-out questions for a grid of ranking weights."""
    print("w_title w_question lexical | " + " | ".join(f"{k:>16}" for k in runs))
    for wt, wq, lx in itertools.product(
        (0.2, 0.3, 0.5), (0.2, 0.3, 0.5, 1.0), (0.0, 0.02, 0.03, 0.04)
    ):
        cells = []
        for rows in runs.values():
            c: Counter[str] = Counter()
            for p, a, m in rows:
                if p.expect in m.knowledge.intents:
                    continue
                s = rank_score(a, wt, wq, lx)
                order = np.argsort(-s, kind="stable")[:3]
                ids = [m.knowledge.entries[i].id for i in order]
                c["n"] += 1
                c["top1"] += ids[0] == p.expect
                c["top3"] += p.expect in ids
            cells.append(f"{100 * c['top1'] / c['n']:5.1f} / {100 * c['top3'] / c['n']:5.1f}")
        print(f"{wt:7} {wq:10} {lx:7} | " + " | ".join(f"{x:>16}" for x in cells))


def outcomes(rows: list[tuple[Probe, Analysis, HybridMatcher]]) -> None:
    """What the decision constants do with the held-out examples."""
    c: Counter[str] = Counter()
    for p, a, m in rows:
        d = m.judge(a)
        if p.expect in m.knowledge.intents:
            kind = "offtopic" if p.expect == "offtopic" else p.expect
            kind = "smalltalk" if kind not in ("offtopic", "handover") else kind
            c[f"{kind}_n"] += 1
            want = {"offtopic": "none", "handover": "handover", "smalltalk": "smalltalk"}[kind]
            c[f"{kind}_ok"] += d.action == want
            c[f"{kind}_answered"] += d.action in ("answer", "clarify")
        else:
            c["q_n"] += 1
            c[f"q_{d.action}"] += 1
            c["q_correct"] += d.action == "answer" and d.entry == p.expect
            c["q_wrong"] += d.action == "answer" and d.entry != p.expect
    n = max(c["q_n"], 1)
    print(
        f"questions n={c['q_n']}: correct {100 * c['q_correct'] / n:.1f}%"
        f" wrong {100 * c['q_wrong'] / n:.1f}% clarify {100 * c['q_clarify'] / n:.1f}%"
        f" none {100 * c['q_none'] / n:.1f}% handover {c['q_handover']}"
        f" smalltalk {c['q_smalltalk']}"
    )
    for kind in ("offtopic", "handover", "smalltalk"):
        k = max(c[f"{kind}_n"], 1)
        print(
            f"{kind} n={c[f'{kind}_n']}: right {100 * c[f'{kind}_ok'] / k:.1f}%"
            f" answered {100 * c[f'{kind}_answered'] / k:.1f}%"
        )


def softmax_fit(
    x: np.ndarray, y: np.ndarray, k: int, weight: np.ndarray, l2: float = 1e-3
) -> np.ndarray:
    """Multinomial logistic regression by gradient descent on standardised features."""
    mu, sd = x[:, 1:].mean(0), x[:, 1:].std(0) + 1e-9
    z = np.c_[x[:, :1], (x[:, 1:] - mu) / sd]
    w = np.zeros((z.shape[1], k))
    target = np.eye(k)[y]
    for _ in range(3000):
        logits = z @ w
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        w -= 0.5 * (z.T @ ((p - target) * weight[:, None]) / weight.sum() + l2 * w)
    raw = w.copy()
    raw[1:] = w[1:] / sd[:, None]
    raw[0] = w[0] - (mu / sd) @ w[1:]
    return raw


def fit(rows: list[tuple[Probe, Analysis, HybridMatcher]]) -> None:
    """Fit the two decision models on held-out examples and print their coefficients."""
    kind_x, kind_y, right_x, right_y = [], [], [], []
    for p, a, m in rows:
        if not a.ranked or a.reading.smalltalk:
            continue
        ev = m.evidence(a)
        if p.expect in m.knowledge.intents:
            kind = {"offtopic": "none", "handover": "handover"}.get(p.expect, "smalltalk")
        else:
            kind = "question"
            right_x.append(ev.right_row())
            right_y.append(int(m.knowledge.entries[a.ranked[0]].id == p.expect))
        kind_x.append(ev.kind_row())
        kind_y.append(KINDS.index(kind))
    y = np.array(kind_y)
    counts = np.bincount(y, minlength=len(KINDS))
    # Between the examples' own mix (mostly questions) and balanced
    # classes: users ask far more questions than the examples' mix suggests
    # about the others, but a rare kind must still be learned.
    weight = (len(y) / (len(KINDS) * counts[y])) ** BALANCE
    kinds = softmax_fit(np.array(kind_x), y, len(KINDS), weight).T
    right = softmax_fit(np.array(right_x), np.array(right_y), 2, np.ones(len(right_y)))
    with np.printoptions(precision=3, suppress=True, floatmode="fixed"):
        print("KIND_WEIGHTS =", repr(kinds))
        print("RIGHT_WEIGHTS =", repr(right[:, 1] - right[:, 0]))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--check-dev", action="store_true")
    p.add_argument("--no-grid", action="store_true")
    p.add_argument("--fit", action="store_true", help="fit and print the decision models")
    p.add_argument("set", nargs="*", help="NAME=VALUE overrides of hybrid constants")
    args = p.parse_args()
    for item in args.set:
        name, value = item.split("=")
        setattr(hybrid, name, float(value))
    hybrid.WEIGHTS.update({"title": hybrid.W_TITLE, "question": hybrid.W_QUESTION})
    knowledge = load(SHARED / "eval/knowledge")
    runs = {
        "held-out half": analyses(knowledge, drop_all=False),
        "no questions": analyses(knowledge, drop_all=True),
        "de+en only": analyses(knowledge, drop_all=True, across=True),
    }
    if not args.no_grid:
        grid(runs)
    if args.fit:
        # Both runs: bases with and without example questions score on
        # different scales, and the models must hold for both.
        fit([row for rows in runs.values() for row in rows])
    for name, rows in runs.items():
        print(f"\nDecisions, {name} (questions and intent examples):")
        outcomes(rows)
    if args.check_dev:
        from bench.matching import dev_table

        dev_table()


if __name__ == "__main__":
    main()
