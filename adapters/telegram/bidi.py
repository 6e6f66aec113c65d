"""Writing direction: marks that keep right-to-left replies readable in Telegram's clients."""

from __future__ import annotations

import re
import unicodedata

from bot.languages import RTL

RLM = "\u200f"  # right-to-left mark
LRM = "\u200e"  # left-to-right mark
LRI = "\u2066"  # left-to-right isolate
PDI = "\u2069"  # pop directional isolate

# Embeddings, overrides and isolates from untrusted text could reverse the rest of a line
# (a display name "\u202eevil" would mirror the card); only the renderer adds its own.
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Numbers with separators (phone numbers, times, dates) and web or mail addresses: inside
# right-to-left text their parts would be reordered ("+49 6074 000-0" shown as "0-000 6074 49+").
_LTR_RUN = re.compile(
    r"https?://[^\s<>]+[^\s<>.,;:!?)]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[+(]?\d(?:[\d()./:\-–]|[ \u00a0](?=[+(\d]))*[\d)]"
)


def strip_controls(text: str) -> str:
    """Remove direction overrides, embeddings and isolates that came with untrusted text."""
    return _CONTROLS.sub("", text)


def is_rtl(language: str) -> bool:
    """Tell whether replies in ``language`` are written right to left."""
    return language in RTL


def first_strong(text: str) -> str | None:
    """The direction of the first strongly directional character: "L", "R" or None."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def isolate_ltr_runs(text: str) -> str:
    """Wrap numbers with separators and addresses in a left-to-right isolate.

    Only needed in lines with right-to-left letters, where their parts would be reordered.
    """

    def wrap(m: re.Match[str]) -> str:
        run = m.group(0)
        head = tail = ""
        # A bracket that opens or closes outside the number stays outside the isolate.
        while run.endswith(")") and run.count(")") > run.count("("):
            run, tail = run[:-1], ")" + tail
        while run.startswith("(") and run.count("(") > run.count(")"):
            run, head = run[1:], head + "("
        if run.isdigit() or len(run) < 2:
            return head + run + tail
        return f"{head}{LRI}{run}{PDI}{tail}"

    return _LTR_RUN.sub(wrap, text)


def has_rtl(text: str) -> bool:
    """Tell whether ``text`` contains any right-to-left letter."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def line_mark(line: str, language: str) -> str:
    """The mark that starts a line so that it runs in the right direction.

    Telegram's clients take each line's direction from its first strong character, so an
    Arabic line that starts with a number, a bullet or a Latin name would run left to right.
    A line of a right-to-left reply that holds no right-to-left letter at all (an English
    fallback text, a link) keeps its own direction.
    """
    if is_rtl(language):
        return RLM if has_rtl(line) or first_strong(line) is None else ""
    return LRM if first_strong(line) == "R" else ""
