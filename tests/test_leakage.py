"""Evaluation questions never appear in the shipped base or the code (they are test sets)."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def test_no_labelled_question_appears_in_the_base_or_the_code() -> None:
    questions = set()
    for path in EVAL.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text", "") if line.strip() else ""
            if len(text) >= 25:  # short ones ("hallo", "danke") are ordinary words
                questions.add(text.strip().lower())
    assert len(questions) > 2000
    leaked = []
    for folder in ("bot", "adapters", "knowledge"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".yaml", ".yml", ".md"):
                body = path.read_text(encoding="utf-8").lower()
                leaked += [f"{path.relative_to(ROOT)}: {q}" for q in questions if q in body]
    assert leaked == []
