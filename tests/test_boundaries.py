"""Architecture rules: adapters use only the core's public modules; the core imports no adapter."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = {"bot.messages", "bot.markdown", "bot.transport", "bot.languages"}
NETWORK_LIBRARIES = ("telegram", "nio", "aiohttp", "httpx", "adapters")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_adapters_import_only_the_public_core() -> None:
    for path in (ROOT / "adapters").rglob("*.py"):
        core = {m for m in imports(path) if m == "bot" or m.startswith("bot.")}
        assert core <= PUBLIC, (path, core - PUBLIC)


def test_the_core_imports_no_network_library_and_no_adapter() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        bad = {m for m in imports(path) if m.split(".")[0] in NETWORK_LIBRARIES}
        assert not bad, (path, bad)
