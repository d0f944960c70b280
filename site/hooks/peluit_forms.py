"""mkdocs hook: the configuration's forms, texts and `channels.json` in the public site.

A thin adapter; the work is done by `peluit.site.forms` and `peluit.site.pages`.

* configuration: the file named by the environment variable PELUIT_CONFIG, else the packaged
  example (`peluit/config/example.toml`), so a plain `mkdocs build` works;
* `assets/peluit/channels.json` is written for `form.js`;
* `<!-- peluit:… -->` markers in pages are replaced (see `peluit.site.pages`); a page with a
  form gets `page.meta.peluit_form`, which makes `main.html` load the form's CSS and script;
* a configured channel without a page under `lapor/` gets a generated one;
* `teknis/format.md` is the repository's `docs/format.md`, so the site can link to it.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from peluit.config import Config, ConfigError, load_config, parse_config
from peluit.config.demo import example_config_text
from peluit.site import SiteError
from peluit.site.forms import CHANNELS_JSON, channels_json, root_prefix
from peluit.site.pages import (
    CHANNEL_PAGE,
    channel_page_markdown,
    expand_markers,
    expand_text_markers,
)
from peluit.site.sri import add_integrity_to_site
from peluit.site.texts import LANGS, Lang, pick

ENV_VAR = "PELUIT_CONFIG"
# The partials in site/overrides/ replace this version's inline scripts; another version may
# emit new ones. Re-check them before changing this and the pin.
MATERIAL_VERSION = "9.8.2"
FORMAT_DOC = "teknis/format.md"
# Theme files the site never loads: lunr's other languages (both builds search with lunr's
# built-in English tokenizer), source maps, the theme's default favicon, and the templates
# on_config stops rendering (they would otherwise be copied as they are). Dropped from the output.
UNUSED_THEME_FILES = re.compile(
    r"^assets/javascripts/lunr/|\.map$|^assets/images/favicon\.png$|^sitemap\.xml$|^404\.html$"
)
# Scripts the theme's bundle would load from unpkg.com: a ResizeObserver polyfill for browsers
# older than 2020 and mermaid for diagrams (none here). The CSP would block them; pointing them
# at a same-origin path also keeps every other origin out of the output.
CDN_FALLBACKS = (
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
)
CDN_REPLACEMENT = "/assets/peluit/unavailable.js"


@dataclass
class _State:
    config: Config | None = None
    lang: Lang = "id"


_state = _State()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    installed = version("mkdocs-material")
    if installed != MATERIAL_VERSION:
        raise PluginError(
            f"mkdocs-material {installed} is installed; site/overrides/ was written for "
            f"{MATERIAL_VERSION}. Check the overridden partials for inline scripts, then update "
            f"MATERIAL_VERSION in {__file__}."
        )
    if config.repo_url:
        raise PluginError("repo_url makes the theme call the GitHub or GitLab API; leave it out")
    language = config.theme["language"]
    if language not in LANGS:
        raise PluginError(f"theme.language must be one of {', '.join(LANGS)}, not {language!r}")
    _state.lang = language
    # No sitemap: without a site_url it would be empty. One 404 page, the Indonesian one at the
    # root: mkdocs gives 404 pages root-absolute links, which suit only the root build.
    config.theme.static_templates.discard("sitemap.xml")
    if language != "id":
        config.theme.static_templates.discard("404.html")
    _state.config = _load()
    # The theme prints site_name without escaping it.
    config.site_name = html.escape(f"Peluit · {pick(_state.config.organisation.name, language)}")
    return config


def _load() -> Config:
    path = os.environ.get(ENV_VAR)
    try:
        if path:
            return load_config(Path(path))
        return parse_config(example_config_text(), "peluit/config/example.toml")
    except ConfigError as exc:
        raise PluginError(str(exc)) from None


def _config() -> Config:
    if _state.config is None:
        raise PluginError("peluit_forms: on_config did not run")
    return _state.config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    peluit = _config()
    rendered = config.theme.static_templates
    for unused in [f for f in files if UNUSED_THEME_FILES.search(f.src_uri)]:
        if unused.src_uri not in rendered:
            files.remove(unused)
    files.append(File.generated(config, CHANNELS_JSON, content=channels_json(peluit)))
    format_doc = Path(config.config_file_path).parent / "docs" / "format.md"
    if not format_doc.is_file():
        raise PluginError(f"{format_doc} is missing; the site publishes it at {FORMAT_DOC}")
    files.append(File.generated(config, FORMAT_DOC, abs_src_path=str(format_doc)))
    for channel in peluit.channels:
        src = CHANNEL_PAGE.format(channel=channel.id)
        if files.get_file_from_path(src) is None:
            files.append(
                File.generated(
                    config,
                    src,
                    content=channel_page_markdown(channel, _state.lang),
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        return expand_text_markers(markdown, _config(), _state.lang)
    except SiteError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    try:
        rendered = expand_markers(content, _config(), _state.lang, root_prefix(page.url))
    except SiteError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None
    if rendered.form_channel is not None:
        page.meta["peluit_form"] = rendered.form_channel
    if rendered.followup:
        page.meta["peluit_followup"] = True
    return rendered.html


def on_post_build(config: MkDocsConfig) -> None:
    bundles = list((Path(config.site_dir) / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise PluginError(f"expected one theme bundle, found {len(bundles)}")
    text = bundles[0].read_text(encoding="utf-8")
    for url in CDN_FALLBACKS:
        if text.count(url) != 1:
            raise PluginError(f"the theme bundle no longer contains {url} once; re-check it")
        text = text.replace(url, CDN_REPLACEMENT)
    bundles[0].write_text(text, encoding="utf-8")
    # Last, once every asset is final: each page's scripts and stylesheets carry their hash.
    try:
        add_integrity_to_site(Path(config.site_dir))
    except SiteError as exc:
        raise PluginError(str(exc)) from None
