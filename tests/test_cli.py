"""``python -m bot`` end to end, as subprocesses, on the fixture base."""

import json
import subprocess
import sys
from pathlib import Path

from bot.knowledge import load
from bot.markdown import to_plain
from tests.kb import EVAL_KNOWLEDGE, VALID_ENTRY, write

ROOT = Path(__file__).resolve().parent.parent


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_validate_prints_a_summary_for_a_good_base() -> None:
    done = bot("validate", str(EVAL_KNOWLEDGE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("OK")
    assert "64 entries, 3 regions" in done.stdout


def test_validate_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        VALID_ENTRY.replace("kind: office", "kind: amt").replace("[mbe-test]", "[nope]"),
    )
    done = bot("validate", str(tmp_path))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[0] == f"{tmp_path}/a.yaml:1 entry 'abh-test': related: unknown id 'nope'"
    assert lines[1].startswith(f"{tmp_path}/a.yaml:2 entry 'abh-test': kind: 'amt' is not one of")
    assert lines[-1] == f"2 problem(s) in {tmp_path}"


def test_coverage_counts_per_language_and_lists_stale_entries(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", VALID_ENTRY)
    done = bot("coverage", str(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = {
        line.split()[0]: line.split()[1:]
        for line in done.stdout.splitlines()
        if line[:3].strip() in {"de", "en", "ar"}
    }
    assert rows["de"][:3] == ["2/2", "2/2", "1/2"]
    assert rows["en"][:3] == ["1/2", "1/2", "0/2"]
    assert rows["ar"][:3] == ["0/2", "0/2", "0/2"]
    assert "mbe-test" in done.stdout.split("not checked within a year")[1]


def test_match_answers_each_json_line_in_order() -> None:
    lines = [
        {"text": "Wo ist das Jobcenter in Gießen?", "region": "giessen", "lang": None},
        {"text": "not json"},
        {"text": "Hallo", "region": None, "lang": "de"},
    ]
    stdin = json.dumps(lines[0]) + "\n{broken\n" + json.dumps(lines[2]) + "\n"
    done = bot("match", "--knowledge", str(EVAL_KNOWLEDGE), stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 3
    assert out[0]["action"] in {"answer", "clarify"} and "jobcenter-giessen" in out[0]["candidates"]
    assert set(out[0]) == {"action", "entry", "candidates", "language", "score"}
    assert "error" in out[1] and "line 2" in out[1]["error"]
    assert out[2]["action"] == "smalltalk"


def test_chat_reads_one_question_per_line_and_prints_each_reply() -> None:
    stdin = "Ausländerbehörde Kreis Offenbach Aufenthaltstitel verlängern\n\n1\n"
    done = bot(
        "chat",
        "--knowledge",
        str(EVAL_KNOWLEDGE),
        "--region",
        "kreis-offenbach",
        "--now",
        "2026-06-01T10:00",
        stdin=stdin,
    )
    assert done.returncode == 0, done.stderr
    assert "Ausländerbehörde Kreis Offenbach" in done.stdout
    assert "Werner-Hilpert-Straße 1" in done.stdout
    assert "jetzt geöffnet, bis 12:00 Uhr" in done.stdout
    # "1" picked the first related entry offered after the answer: its own
    # answer text is printed, not just its title in the list of options.
    knowledge = load(EVAL_KNOWLEDGE)
    first_related = knowledge.by_id["abh-kreis-offenbach"].related[0]
    opening = to_plain(knowledge.by_id[first_related].answer["de"]).split(".")[0]
    assert opening in done.stdout


def test_chat_on_a_broken_base_names_the_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "- id: x\n  kind: amt\n")
    done = bot("chat", "--knowledge", str(tmp_path), stdin="hallo\n")
    assert done.returncode == 1
    assert f"{tmp_path}/a.yaml:2 entry 'x': kind:" in done.stderr
