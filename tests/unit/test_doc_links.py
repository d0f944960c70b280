"""Every local link in README.md and docs/ leads somewhere: the file exists, and an anchor names a
heading of the file it points into, spelled as GitHub spells heading anchors."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_INLINE_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str, *, code_spans: bool = True) -> list[str]:
    """The lines outside fenced code blocks (those become empty); without `code_spans`, code spans
    are blanked too (a link written there is an example, not a link)."""
    lines, fence = [], ""
    for line in text.splitlines():
        match = _FENCE.match(line)
        if match and (not fence or match[1].startswith(fence)):
            fence = "" if fence else match[1][0] * 3
            lines.append("")
        elif fence:
            lines.append("")
        else:
            lines.append(line if code_spans else _CODE_SPAN.sub(lambda m: " " * len(m[0]), line))
    return lines


def heading_text(markdown: str) -> str:
    """A heading as GitHub renders it to text: code spans, links and emphasis give their text."""
    text = _CODE_SPAN.sub(lambda m: m[2].strip(), markdown)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"(\*+|(?<!\w)_+|_+(?!\w))", "", text)


def github_slug(text: str) -> str:
    """GitHub's heading ids (github-slugger): lower case; letters, digits, marks, spaces, '-' and
    '_' kept, everything else dropped; each space becomes '-'."""
    kept = (
        ch
        for ch in text.strip().lower()
        if ch in " -_" or unicodedata.category(ch)[0] in {"L", "N", "M"}
    )
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The ids of a file's headings (a repeated one gets -1, -2, ...) and its explicit anchors."""
    raw = path.read_text(encoding="utf-8")
    lines = prose_lines(raw)
    titles = []
    for number, line in enumerate(lines):
        if match := _ATX.match(line):
            titles.append(match[2])
        elif (
            number
            and _SETEXT.match(line)
            and lines[number - 1].strip()
            and not re.match(r"^\s*([-*+>|#]|\d+[.)])", lines[number - 1])
        ):
            titles.append(lines[number - 1].strip())
    seen: Counter[str] = Counter()
    ids = set(_HTML_ANCHOR.findall(raw))
    for title in titles:
        slug = github_slug(heading_text(title))
        ids.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return ids


def local_links(path: Path) -> list[tuple[int, str]]:
    found = []
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(prose_lines(text, code_spans=False), start=1):
        targets = [m[2] for m in _INLINE_LINK.finditer(line)]
        if ref := _REF_DEFINITION.match(line):
            targets.append(ref[1])
        found += [(number, t) for t in targets if t and not _SCHEME.match(t)]
    return found


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for number, target in local_links(path):
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / unquote(file_part)).resolve() if file_part else path
        where = f"{path.relative_to(root)}:{number}: {target}"
        if not dest.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
            broken.append(f"{where} (no heading #{anchor} in {dest.relative_to(root)})")
    return broken


def test_the_docs_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in DOCS}
    assert {"README.md", "docs/operator-guide.md", "docs/format.md", "docs/domain.md"} <= names
    assert sum(len(local_links(p)) for p in DOCS) >= 10  # it sees the links there are (11 today)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_local_link_and_anchor_resolves(path: Path) -> None:
    assert broken_links(path) == []


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("1. What `peluit deploy` builds", "1-what-peluit-deploy-builds"),
        ("Incident response (UU 27/2022)", "incident-response-uu-272022"),
        ("Keys, roles & the roster", "keys-roles--the-roster"),
        ("ADR 0008: AWS stack — Jakarta", "adr-0008-aws-stack--jakarta"),
        ("Perlindungan *pelapor*", "perlindungan-pelapor"),
        ("`make unit` and [make fmt](Makefile)", "make-unit-and-make-fmt"),
        ("snake_case stays", "snake_case-stays"),
    ],
)
def test_anchors_are_spelled_as_github_spells_them(heading: str, slug: str) -> None:
    assert github_slug(heading_text(heading)) == slug


def test_a_broken_link_or_anchor_is_reported(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Real heading\n\n## Twice\n\n## Twice\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Top\n\n[ok](other.md#real-heading) [ok](other.md#twice-1) [ok](#top)\n"
        "[bad](other.md#twice-2) [bad](missing.md) [bad](#nowhere)\n"
        "```\n[example](not-checked.md)\n```\n`[span](not-checked.md)`\n",
        encoding="utf-8",
    )
    problems = broken_links(page, root=tmp_path)
    assert problems == [
        "page.md:4: other.md#twice-2 (no heading #twice-2 in other.md)",
        "page.md:4: missing.md (no such file)",
        "page.md:4: #nowhere (no heading #nowhere in page.md)",
    ]
