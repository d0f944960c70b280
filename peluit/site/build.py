"""Building the public site with mkdocs, for a given configuration, into a directory.

Both languages are built (Indonesian at the root from `mkdocs.yml`, English under `en/` from
`mkdocs.en.yml`; docs/adr/0004-site-languages.md) into a fresh directory beside `out_dir`,
which then replaces `out_dir`: a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peluit.config import load_config

from .errors import SiteBuildError

SOURCE_DIR = Path(__file__).resolve().parents[2]  # the repository: mkdocs.yml, site/, docs/
LANGUAGE_CONFIGS = (("mkdocs.yml", ""), ("mkdocs.en.yml", "en"))
ENV_VAR = "PELUIT_CONFIG"  # read by site/hooks/peluit_forms.py


def build_site(config_path: Path | None, out_dir: Path, source_dir: Path = SOURCE_DIR) -> None:
    """Build the site for `config_path` (None: the packaged example) into `out_dir`.

    Raises `ConfigError` for a bad configuration and `SiteBuildError` when mkdocs fails or
    warns (the build is strict); `out_dir` is replaced only after both languages built.
    """
    if config_path is not None:
        load_config(config_path)  # a bad configuration fails here, with its own message
        config_path = config_path.resolve()
    for name, _ in LANGUAGE_CONFIGS:
        if not (source_dir / name).is_file():
            raise SiteBuildError(f"{source_dir / name} not found: the site's sources are missing")
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        with _environment(config_path), _collect_mkdocs_problems() as problems:
            for name, subdir in LANGUAGE_CONFIGS:
                _build_one(source_dir / name, staging / subdir, problems)
        staging.chmod(0o755)  # mkdtemp makes it private; the site is for a web server to read
        _swap_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_one(mkdocs_file: Path, site_dir: Path, problems: list[str]) -> None:
    # Imported here: only building the site needs mkdocs.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_mkdocs_config(
            config_file=str(mkdocs_file), site_dir=str(site_dir), strict=True
        )
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        details = "\n".join(f"  {p}" for p in problems) or f"  {exc}"
        raise SiteBuildError(
            f"building the site from {mkdocs_file.name} failed:\n{details}"
        ) from None


@contextmanager
def _environment(config_path: Path | None) -> Iterator[None]:
    """PELUIT_CONFIG for the hook, and mkdocs-material's end-of-life banner silenced."""
    saved = {key: os.environ.get(key) for key in (ENV_VAR, "NO_MKDOCS_2_WARNING")}
    if config_path is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = str(config_path)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Collector(logging.Handler):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.problems = problems

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def _collect_mkdocs_problems() -> Iterator[list[str]]:
    """mkdocs logs why it failed, then raises a bare 'Aborted'; keep the reasons."""
    problems: list[str] = []
    handler = _Collector(problems)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield problems
    finally:
        logger.removeHandler(handler)


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if not out_dir.is_dir():
        raise SiteBuildError(f"{out_dir} exists and is not a directory")
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    old.rmdir()
    out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
