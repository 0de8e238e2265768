"""The README's Python examples run as written (the backtest example is cut to a month)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_opens_with_the_two_commands():
    first = re.search(r"```bash\n(.*?)```", README.read_text(), flags=re.DOTALL).group(1).strip().splitlines()
    assert first == ["pip install -e . && lstlab backtest", "pip install -e '.[test]' && pytest -n 2"]


def test_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = _python_blocks()
    assert len(blocks) == 5
    for block in blocks:
        code = textwrap.dedent(block).replace('end="2022-07-31"', 'end="2022-05-31"')
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102  (the README's own examples, run as written)
