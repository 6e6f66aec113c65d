"""Helpers to build small knowledge folders for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
EVAL_KNOWLEDGE = EVAL / "knowledge"

VALID_ENTRY = """\
- id: abh-test
  kind: office
  region: testkreis
  title:
    de: Ausländerbehörde Testkreis
    en: Foreigners' Authority Testkreis
  questions:
    de:
      - Wo verlängere ich meinen Aufenthaltstitel?
  keywords:
    de: [Aufenthaltstitel, Visum]
  answer:
    de: Die Ausländerbehörde verlängert **Aufenthaltstitel**.
    en: The Foreigners' Authority renews **residence permits**.
  contact:
    address: Teststraße 1, 12345 Testdorf
    phone: "+49 6074 000-0"
    email: abh@example.org
    web: https://example.org/abh
    hours: "Mo,Tu,Fr 07:30-12:00; Th 13:00-18:00; PH off"
    languages: [de, en, tr]
  related: [mbe-test]
  handover: offer
  updated: 2026-10-01

- id: mbe-test
  kind: offer
  region: testkreis
  title:
    de: Migrationsberatung
  answer:
    de: Die Migrationsberatung hilft Erwachsenen.
"""


def write(root: Path, name: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``root/name``, creating folders."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
