"""The ``python -m bot`` command line: validate, coverage, chat, match, run, backup, report."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot import coverage
from bot.hours import BERLIN
from bot.knowledge import SHIPPED, Knowledge, load
from bot.problem import KnowledgeError
from bot.transport import ConfigError


def _load_or_report(folder: Path, out: TextIO) -> Knowledge | None:
    try:
        return load(folder)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        print(f"{len(exc.problems)} problem(s) in {folder}", file=out)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem (exit 1) or a one-line summary (exit 0)."""
    knowledge = _load_or_report(args.folder, sys.stdout)
    if knowledge is None:
        return 1
    regions = sorted({e.region for e in knowledge.entries if e.region})
    print(
        f"{args.folder}: {len(knowledge.entries)} entries, {len(regions)} regions"
        f" ({', '.join(regions) or 'none'}), {len(knowledge.texts.by_key)} bot texts: OK"
    )
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print translations per language and entries not checked for a year."""
    knowledge = _load_or_report(args.folder, sys.stderr)
    if knowledge is None:
        return 1
    print(coverage.render(coverage.measure(knowledge)))
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Read JSON lines of questions on stdin, write one decision per line."""
    from bot.matching.factory import build_matcher

    knowledge = _load_or_report(args.knowledge, sys.stderr)
    if knowledge is None:
        return 1
    matcher = build_matcher(knowledge)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            query = json.loads(line)
            text, region, lang = query["text"], query.get("region"), query.get("lang")
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            print(json.dumps({"error": f"line {number}: {exc}"}), flush=True)
            continue
        decision = matcher.decide(text, region, lang)
        print(json.dumps(decision.to_json(), ensure_ascii=False), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Chat in the terminal; with stdin not a terminal, answer one question per line."""
    from bot.terminal import chat, default_database

    knowledge = _load_or_report(args.knowledge, sys.stderr)
    if knowledge is None:
        return 1
    if args.region and args.region not in knowledge.regions:
        known = ", ".join(sorted(knowledge.regions)) or "none"
        print(f"unknown region '{args.region}' (known: {known})", file=sys.stderr)
        return 2
    clock = (lambda: args.now) if args.now else (lambda: datetime.now(BERLIN))
    if args.database:
        database = str(args.database)
    elif sys.stdin.isatty():
        database = str(default_database())
    else:
        database = ":memory:"  # scripted runs start afresh every time
    return asyncio.run(chat(knowledge, args.region, clock, sys.stdin, sys.stdout, database))


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot with the adapters the configuration names."""
    from bot.config import load_config
    from bot.privacy import configure_logging
    from bot.runner import run

    try:
        config = load_config(args.config)
        configure_logging(config.log_level)
        return asyncio.run(run(config))
    except (ConfigError, KnowledgeError) as exc:
        problems = getattr(exc, "problems", None)
        for line in problems or [exc]:
            print(line, file=sys.stderr)
        return 2


def _database(args: argparse.Namespace) -> Path:
    if args.database:
        return Path(args.database)
    from bot.config import load_config

    return load_config(args.config).database


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent copy of the database, also while the bot runs."""
    from bot.store.sqlite import Database

    async def backup() -> None:
        db = Database(_database(args))
        await db.open()
        try:
            await db.backup(args.file)
        finally:
            await db.close()

    try:
        asyncio.run(backup())
    except (ConfigError, FileExistsError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"backup written to {args.file}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Print unanswered questions, feedback, handovers and languages."""
    from bot import report
    from bot.store.sqlite import Database

    async def build() -> str:
        db = Database(_database(args))
        await db.open()
        try:
            return await report.build(db, args.days, datetime.now(BERLIN))
        finally:
            await db.close()

    try:
        print(asyncio.run(build()))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per job."""
    p = argparse.ArgumentParser(
        prog="python -m bot", description="Lotse, a help bot for newcomers."
    )
    sub = p.add_subparsers(dest="command", required=True)
    knowledge_help = "knowledge folder (default: the shipped knowledge/)"

    v = sub.add_parser("validate", help="check a knowledge folder")
    v.add_argument("folder", type=Path)
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("coverage", help="what a knowledge folder lacks, per language")
    c.add_argument("folder", type=Path)
    c.set_defaults(func=cmd_coverage)

    ch = sub.add_parser("chat", help="chat with Lotse in this terminal")
    ch.add_argument("--knowledge", type=Path, default=SHIPPED, help=knowledge_help)
    ch.add_argument("--region", default=None, help="only this region's entries (and Hessen-wide)")
    ch.add_argument("--now", type=_moment, default=None, help="pretend it is this time (ISO)")
    ch.add_argument("--database", type=Path, default=None, help="SQLite file for the conversation")
    ch.set_defaults(func=cmd_chat)

    r = sub.add_parser("run", help="run the bot on Telegram and/or Matrix")
    r.add_argument("--config", type=Path, default=Path("config.yaml"))
    r.set_defaults(func=cmd_run)

    b = sub.add_parser("backup", help="consistent copy of the database, while the bot runs")
    b.add_argument("file", type=Path)
    b.add_argument("--config", type=Path, default=Path("config.yaml"))
    b.add_argument("--database", type=Path, default=None, help="instead of --config")
    b.set_defaults(func=cmd_backup)

    rep = sub.add_parser("report", help="unanswered questions, feedback, handovers, languages")
    rep.add_argument("--days", type=int, default=30)
    rep.add_argument("--config", type=Path, default=Path("config.yaml"))
    rep.add_argument("--database", type=Path, default=None, help="instead of --config")
    rep.set_defaults(func=cmd_report)

    m = sub.add_parser("match", help="decisions for JSON-line questions on stdin")
    m.add_argument("--knowledge", type=Path, default=SHIPPED, help=knowledge_help)
    m.set_defaults(func=cmd_match)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)
