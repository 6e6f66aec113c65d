"""The contact block of an office: address, phone, mail, web, languages and open-now."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot import hours
from bot.entry import Contact
from bot.languages import NATIVE_NAMES
from bot.markdown import escape
from bot.texts import Texts


def opening_line(expr: str, texts: Texts, language: str, now: datetime) -> str:
    """Say in ``language`` whether a place is open now, and when it next opens or closes."""
    state = hours.state(expr, now)
    change = state.next_change
    if state.is_open:
        if change is None:
            return texts.get("open_now", language)
        return texts.get("open_now_until", language, time=change.strftime("%H:%M"))
    if state.is_open is None:
        return texts.get("hours_unknown", language)
    if change is None:
        return texts.get("closed", language)
    local_now = now.astimezone(hours.BERLIN)
    time = change.strftime("%H:%M")
    if change.date() == local_now.date():
        return texts.get("closed_opens_today", language, time=time)
    if change.date() == local_now.date() + timedelta(days=1):
        return texts.get("closed_opens_tomorrow", language, time=time)
    day = texts.get(f"weekday_{change.weekday()}", language)
    if change.date() - local_now.date() >= timedelta(days=7):
        day = f"{day} {change.strftime('%d.%m.')}"
    return texts.get("closed_opens_on", language, day=day, time=time)


def contact_block(contact: Contact, texts: Texts, language: str, now: datetime) -> str:
    """Render a contact as Markdown lines, every value escaped."""
    lines: list[str] = []

    def add(label: str, value: str) -> None:
        lines.append(f"**{texts.get(label, language)}** {value}")

    if contact.address:
        add("label_address", escape(contact.address))
    if contact.phone:
        dial = re.sub(r"[^0-9+]", "", contact.phone)
        add("label_phone", f"[{escape(contact.phone)}](tel:{dial})")
    if contact.email:
        add("label_email", f"[{escape(contact.email)}](mailto:{contact.email})")
    if contact.web:
        add("label_web", f"[{escape(contact.web)}]({contact.web})")
    if contact.hours:
        add("label_hours", escape(opening_line(contact.hours, texts, language, now)))
    if contact.languages:
        names = ", ".join(NATIVE_NAMES.get(code, code) for code in contact.languages)
        add("label_languages", escape(names))
    return "\n".join(lines)
