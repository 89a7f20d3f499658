"""The README's two commands are a promise; CI must run the same test command."""

from __future__ import annotations

import re

from conftest import REPO

FENCED = re.compile(r"```bash\n(.+?)\n```", re.DOTALL)


def readme_commands() -> list[str]:
    return FENCED.findall((REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_opens_with_a_demo_and_a_test_command():
    demo, tests = readme_commands()[:2]
    assert demo.endswith("visitplan demo")
    assert "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    tests = readme_commands()[1]
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines
