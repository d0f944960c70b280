"""The site build is reproducible: the same commit and configuration give byte-identical files,
whatever the output folder, the configuration file's path, the checkout's path or the working
directory. That is what lets `peluit deploy` rebuild the site and compare it with the release
the signers signed. Every page's scripts and stylesheets carry the integrity of the bytes
served, and the built site meets WEBCAT's static-assets rules."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peluit.config import parse_config
from peluit.release import make_release, parse_manifest
from peluit.release.webcat import site_findings
from peluit.site.build import SOURCE_DIR, build_site
from peluit.site.sri import integrity, resolve
from tests.support.factory import example_text

pytestmark = pytest.mark.functional
SOURCES = ("mkdocs.yml", "mkdocs.en.yml", "site", "docs")
_SCRIPT_OR_STYLE = re.compile(r'<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"[^>]*>')


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """The same configuration built twice: from the checkout into one folder, and, in another
    process (another hash seed, another build date), from a copy of the checkout elsewhere,
    with the configuration at another path, from another working directory, into a folder of
    another name."""
    one = tmp_path_factory.mktemp("first")
    two = tmp_path_factory.mktemp("second-elsewhere")
    (one / "peluit.toml").write_text(example_text(), encoding="utf-8")
    (two / "conf" / "deeper").mkdir(parents=True)
    (two / "conf" / "deeper" / "other-name.toml").write_text(example_text(), encoding="utf-8")
    copy = two / "checkout"
    copy.mkdir()
    for name in SOURCES:
        source = SOURCE_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name)
        else:
            shutil.copy2(source, copy / name)
    build_site(one / "peluit.toml", one / "site")
    script = (
        "import sys; from pathlib import Path; from peluit.site.build import build_site; "
        "build_site(Path(sys.argv[1]), Path(sys.argv[2]), source_dir=Path(sys.argv[3]))"
    )
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "SOURCE_DATE_EPOCH": "2000000000",  # mkdocs's build date: 2033
        "TZ": "America/Los_Angeles",
    }
    subprocess.run(
        [sys.executable, "-c", script, "conf/deeper/other-name.toml", "out/public", str(copy)],
        cwd=two,
        env=environment,
        check=True,
        timeout=300,
    )
    return one / "site", two / "out" / "public", [one, two, SOURCE_DIR]


def test_two_builds_in_different_places_give_byte_identical_files(
    builds: tuple[Path, Path, list[Path]],
) -> None:
    first, second, _ = builds
    a, b = _files(first), _files(second)
    assert len(a) >= 50
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []


def test_no_file_names_a_folder_of_the_machine_that_built_it(
    builds: tuple[Path, Path, list[Path]],
) -> None:
    first, _, folders = builds
    for name, data in _files(first).items():
        for folder in folders:
            assert str(folder).encode() not in data, f"{name} names {folder}"


def test_the_two_builds_give_the_same_release_text(
    builds: tuple[Path, Path, list[Path]],
) -> None:
    config = parse_config(example_text())
    first, second, _ = builds
    text = make_release(config, first, "0" * 40).text
    assert make_release(config, second, "0" * 40).text == text
    assert len(parse_manifest(text)["files"]) == len(_files(first))


def test_every_script_and_stylesheet_carries_the_integrity_of_the_file_served(
    builds: tuple[Path, Path, list[Path]],
) -> None:
    first, _, _ = builds
    checked = 0
    for page in sorted(first.rglob("*.html")):
        name = page.relative_to(first).as_posix()
        for tag in _SCRIPT_OR_STYLE.finditer(page.read_text(encoding="utf-8")):
            if tag.group(0).startswith("<link") and 'rel="stylesheet"' not in tag.group(0):
                continue
            target = resolve(name, tag.group(1))
            assert target is not None, f"{name}: {tag.group(1)} is not on the site"
            data = (first / target).read_bytes()
            assert f'integrity="{integrity(data)}"' in tag.group(0), f"{name}: {tag.group(0)}"
            checked += 1
    assert checked >= 27 * 6  # every page loads the theme's scripts and the site's


def test_the_built_site_holds_only_static_assets_and_no_page_sets_headers(
    builds: tuple[Path, Path, list[Path]],
) -> None:
    first, _, _ = builds
    assert site_findings(first) == []
