"""bench/ never imports tests/ (tests may import bench/): what both need lives in bench/harness/."""
import ast

from tests.conftest import ROOT


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_no_bench_module_imports_the_tests():
    scripts = sorted((ROOT / "bench").rglob("*.py"))
    assert ROOT / "bench" / "harness" / "server.py" in scripts
    offenders = {str(p.relative_to(ROOT)): m for p in scripts for m in imported_modules(p)
                 if m == "tests" or m.startswith("tests.")}
    assert offenders == {}
