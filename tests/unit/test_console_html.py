"""Console HTML escapes every value unless it is already marked as HTML."""

from __future__ import annotations

from string import Template

import pytest

from peluit.review.console.html import Html, bi, fill, h, static_file

pytestmark = pytest.mark.unit


def test_plain_text_is_escaped_and_html_is_kept() -> None:
    out = fill(Template("<p>$a</p>$b"), a='<script>alert("x")</script>', b=Html("<br>"))
    assert out == "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><br>"


def test_a_bilingual_label_escapes_both_languages() -> None:
    assert bi("<b>", "&") == '&lt;b&gt; <span class="en" lang="en">&amp;</span>'
    assert h(None) == ""


def test_static_files_are_served_by_exact_name_only() -> None:
    assert static_file("console.css") is not None
    assert static_file("../html.py") is None
    assert static_file("templates/layout.html") is None
