"""The library imports Streamlit only in its UI subpackage: checked on the source, not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

LIB = ROOT / "lib" / "rhetoric_shift"
UI = LIB / "ui"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its syntax tree (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_ui_subpackage_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(LIB.rglob("*.py"))
        if UI not in path.parents
        and any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(path))
    ]
    assert not offenders, f"Streamlit imported outside rhetoric_shift/ui/: {offenders}"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import streamlit.components.v1 as c\n    from streamlit import cache_data\n")
    assert imported_modules(sample) == {"streamlit.components.v1", "streamlit"}


def test_the_ui_subpackage_is_checked_from_where_it_is() -> None:
    assert (UI / "__init__.py").exists() and any("streamlit" in imported_modules(p) for p in UI.glob("*.py"))


def test_pages_reach_data_only_through_the_library() -> None:
    """Pages hold no analysis: they never import pandas, numpy or plotly themselves."""
    offenders = {
        path.name: sorted(m for m in imported_modules(path) if m.split(".")[0] in {"pandas", "numpy", "plotly", "sklearn"})
        for path in sorted((ROOT / "pages").glob("*.py"))
    }
    assert not {k: v for k, v in offenders.items() if v}
