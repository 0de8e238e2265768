"""A mkdocs hook: docstrings name objects with reStructuredText roles (``:func:`name```), which
Markdown renders as the role's text before the code; drop the role and keep the code."""

from __future__ import annotations

import re

ROLE = re.compile(r":(?:py:)?(?:func|class|data|mod|attr|meth|exc|obj|const):(?=<code>)")


def on_page_content(html: str, **_kwargs: object) -> str:
    """The page's HTML without reStructuredText role prefixes before code spans."""
    return ROLE.sub("", html)
