"""Every text a page asks for exists in French and in English."""

from __future__ import annotations

import re

from web.pages import TEMPLATES, TEXT

KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*\)""")


def test_every_text_has_both_languages() -> None:
    blank = sorted(key for key, (fr, en) in TEXT.items() if not fr.strip() or not en.strip())
    assert blank == []


def test_every_key_a_template_names_exists() -> None:
    used = {key for path in TEMPLATES.glob("*.html") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(used - set(TEXT)) == []
