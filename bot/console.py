"""The terminal chat: the whole answer path with no network, no account and no token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot import reply
from bot.knowledge import Knowledge
from bot.markdown import to_plain
from bot.matching.factory import build_matcher

log = logging.getLogger(__name__)


class Console:
    """Answers one line at a time; numbers pick from the options last shown."""

    def __init__(
        self, knowledge: Knowledge, region: str | None, now: Callable[[], datetime]
    ) -> None:
        self.knowledge = knowledge
        self.region = region
        self.now = now
        self.matcher = build_matcher(knowledge)
        self.language = "de"
        self.options: tuple[tuple[str, str], ...] = ()

    def _reply_for(self, text: str) -> reply.Reply:
        choice = text.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.options):
            entry_id = self.options[int(choice) - 1][0]
            return reply.answer(self.knowledge, entry_id, self.language, self.now())
        decision = self.matcher.decide(text, self.region, None)
        self.language = decision.language
        k, lang = self.knowledge, decision.language
        if decision.action == "answer" and decision.entry:
            return reply.answer(k, decision.entry, lang, self.now())
        if decision.action == "clarify":
            return reply.clarify(k, decision.candidates, lang)
        if decision.action == "smalltalk":
            return reply.smalltalk(k, decision.intent, lang)
        if decision.action == "handover":
            return reply.Reply(k.texts.get("handover_terminal", lang), lang)
        return reply.not_understood(k, lang)

    def respond(self, text: str) -> str:
        """Return the plain-text reply to one line, never raising."""
        try:
            answer = self._reply_for(text)
        except Exception:
            # One failing question must not end the chat.
            log.exception("could not answer a message")
            return self.knowledge.texts.get("error_apology", self.language)
        self.options = answer.options
        lines = [to_plain(answer.text)]
        lines += [f"  {i}) {title}" for i, (_id, title) in enumerate(answer.options, start=1)]
        return "\n".join(lines)

    def run(self, stdin: TextIO, stdout: TextIO) -> int:
        """Chat until end of input."""
        interactive = stdin.isatty()
        if interactive:
            print(self.knowledge.texts.get("console_intro", "en"), file=stdout)
        while True:
            if interactive:
                print("> ", end="", file=stdout, flush=True)
            line = stdin.readline()
            if not line:
                return 0
            if not line.strip():
                continue
            print(self.respond(line.rstrip("\n")), file=stdout)
            print(file=stdout, flush=True)
