"""Matching benchmark: dev set, Integreat, latency and memory by base size, start-up time.

Usage: .venv/bin/python -m bench.matching [--skip-scale] [--sizes 1000,10000,100000]

Dev set: matching metrics pass each question's labelled language as the
language the user chose (the bot asks for it in its first message); the
language-ID column passes ``lang: null`` and compares the detected language.
Integreat: ``match`` semantics with each question's region and no chosen
language; top-1 is the decision's first candidate, top-3 its first three.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.devset import SPECIAL, expected, load_rows, pct, score
from bot.knowledge import load
from bot.languages import LANGUAGES
from bot.matching.factory import build_matcher

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def dev_table() -> None:
    knowledge = load(SHARED / "eval/knowledge")
    matcher = build_matcher(knowledge)
    rows = load_rows(SHARED / "eval/questions-dev.jsonl")
    chosen = score(rows, lambda r: matcher.decide(r["text"], r["region"], r["lang"]))
    langid: Counter[str] = Counter()
    for r in rows:
        d = matcher.decide(r["text"], r["region"], None)
        langid[r["lang"]] += d.language == r["lang"]
        langid["all"] += d.language == r["lang"]
    n = Counter(r["lang"] for r in rows)
    n["all"] = len(rows)
    print(
        f"Dev set ({len(rows)} lines; {sum(1 for r in rows if expected(r)[0] not in SPECIAL)}"
        " questions about entries)"
    )
    head = (
        "lang",
        "n",
        "correct",
        "top-3",
        "wrong",
        "clarify",
        "offtopic ans.",
        "person",
        "smalltalk",
        "lang-ID",
    )
    print("  ".join(f"{h:>13}" if i > 1 else f"{h:>5}" for i, h in enumerate(head)))
    for lang in (*[x for x in LANGUAGES if x in n], "all"):
        c = chosen[lang]
        cells = [
            pct(c["q_correct"], c["q_n"]),
            pct(c["q_top3"], c["q_n"]),
            pct(c["q_wrong"], c["q_n"]),
            pct(c["q_clarify"], c["q_n"]),
            f"{c['none_answered']}/{c['none_n']}",
            f"{c['handover_ok']}/{c['handover_n']}",
            f"{c['smalltalk_ok']}/{c['smalltalk_n']}",
            pct(langid[lang], n[lang]),
        ]
        print(f"{lang:>5}  {n[lang]:>5}  " + "  ".join(f"{x:>13}" for x in cells))
    c = chosen["all"]
    print(
        f"  off-topic answered {pct(c['none_answered'], c['none_n'])},"
        f" person requests recognised {pct(c['handover_ok'], c['handover_n'])},"
        f" smalltalk {pct(c['smalltalk_ok'], c['smalltalk_n'])};"
        f" questions sent to none {c['q_none']}, to a person {c['q_handover']}"
    )


def integreat_table() -> None:
    t0 = time.monotonic()
    knowledge = load(SHARED / "eval/integreat/knowledge")
    matcher = build_matcher(knowledge)
    built = time.monotonic() - t0
    rows = load_rows(SHARED / "eval/integreat/questions.jsonl")
    hits: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        d = matcher.decide(r["text"], r["region"], None)
        for key in (r["lang"], "all"):
            c = hits[key]
            c["n"] += 1
            c["top1"] += bool(d.candidates) and d.candidates[0] == r["expect"]
            c["top3"] += r["expect"] in d.candidates[:3]
            c["answered_ok"] += d.action == "answer" and d.entry == r["expect"]
            c["answered_wrong"] += d.action == "answer" and d.entry != r["expect"]
            c[d.action] += 1
    print(
        f"\nIntegreat ({len(rows)} queries, {len(knowledge.entries)} pages; built in {built:.0f} s)"
    )
    print(
        f"{'lang':>5} {'n':>5} {'top-1':>7} {'top-3':>7} {'answered ok':>12} {'answered wrong':>15}"
        f" {'clarify':>8} {'none':>6}"
    )
    for lang in ("de", "en", "ar", "uk", "fr", "all"):
        c = hits[lang]
        print(
            f"{lang:>5} {c['n']:>5} {pct(c['top1'], c['n']):>7} {pct(c['top3'], c['n']):>7}"
            f" {pct(c['answered_ok'], c['n']):>12} {pct(c['answered_wrong'], c['n']):>15}"
            f" {pct(c['clarify'], c['n']):>8} {pct(c['none'], c['n']):>6}"
        )


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scale_worker(size: int) -> None:
    """Run in a fresh process: build one synthetic base, time queries, print JSON."""
    import gc

    from bench.synthetic import synthetic_matcher, templates
    from bot.matching.factory import shared_embedder, trim_heap

    embedder = shared_embedder()
    assert embedder is not None, "the scale benchmark needs the model"
    t0 = time.monotonic()
    matcher = synthetic_matcher(templates(SHARED), size, embedder)
    built = time.monotonic() - t0
    gc.collect()
    trim_heap()
    rows = load_rows(SHARED / "eval/questions-dev.jsonl")
    texts = [(r["text"], r["region"]) for r in rows][:200]
    for text, region in texts[:10]:
        matcher.decide(text, region, None)
    times = []
    for text, region in texts:
        t = time.perf_counter()
        matcher.decide(text, region, None)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "size": size,
                "passages": matcher.dense.size,
                "build_s": round(built, 1),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
                "rss_mb": round(_rss_mb()),
            }
        )
    )


def scale_table(sizes: list[int]) -> None:
    print(
        "\nLatency and memory by base size (synthetic copies of real entries, warm cache;"
        " 200 queries, one at a time)"
    )
    print(f"{'entries':>8} {'vectors':>9} {'median':>8} {'p95':>8} {'RSS':>8} {'build':>7}")
    for size in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.matching", "--scale-worker", str(size)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if out.returncode != 0:
            print(f"{size:>8} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['size']:>8} {r['passages']:>9} {r['median_ms']:>6} ms {r['p95_ms']:>6} ms"
            f" {r['rss_mb']:>5} MB {r['build_s']:>5} s"
        )


def startup_table() -> None:
    code = (
        "import time; t=time.monotonic();"
        "from bot.knowledge import load; from bot.matching.factory import build_matcher;"
        f"m=build_matcher(load({str(SHARED / 'eval/knowledge')!r}), progress=None);"
        "m.decide('wo ist das jobcenter', None, None); print(round(time.monotonic()-t, 1))"
    )
    print("\nStart-up on the eval fixture (load, build, first answer), fresh process")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "LOTSE_CACHE_DIR": cache}
        for label in ("cold cache", "warm cache"):
            out = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                check=False,
            )
            print(f"  {label}: {out.stdout.strip() or out.stderr.strip()[-200:]} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--scale-worker", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--only", choices=("dev", "integreat", "scale", "startup"), default=None)
    args = p.parse_args()
    if args.scale_worker:
        scale_worker(args.scale_worker)
        return
    if args.only in (None, "dev"):
        dev_table()
    if args.only in (None, "integreat"):
        integreat_table()
    if args.only in (None, "scale") and not args.skip_scale:
        scale_table([int(s) for s in args.sizes.split(",")])
    if args.only in (None, "startup"):
        startup_table()


if __name__ == "__main__":
    main()
