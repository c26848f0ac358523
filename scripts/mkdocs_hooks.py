"""MkDocs hooks (mkdocs.yml): pages made of README.md's sections, pages that may not exist yet.

The home, install and production pages of the site are sections of README.md, read at build
time: the README stays the one place an integrator's instructions live. Links into ``docs/``
lose that prefix on the site. Nav entries whose page is not in ``docs/`` yet (written by another
change) are left out instead of failing the strict build.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# page -> (first heading of the README section, heading the section stops before, page title)
README_PAGES = {
    "index.md": (None, "## Install into an existing Wagtail site", None),
    "install.md": (
        "## Install into an existing Wagtail site",
        "## Trying the official API Particulier staging",
        "# Install into an existing Wagtail site",
    ),
    "production.md": ("## Production notes", "## Documentation", "# Production"),
}
MARKER = "<!-- README section -->"


def readme_section(start: str | None, stop: str, title: str | None) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    begin = readme.index(start) if start else 0
    text = readme[begin : readme.index(stop, begin)]
    if title:
        text = title + text[text.index("\n") :]
    return re.sub(r"\]\(docs/", "](", text)


def on_page_read_source(page, config):
    name = page.file.src_uri
    if name not in README_PAGES:
        return None
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    if MARKER not in source:
        return None  # the page was written for the site: keep it
    return source.replace(MARKER, readme_section(*README_PAGES[name]))


def _existing(items, docs_dir: Path):
    kept = []
    for item in items:
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if isinstance(value, list):
                value = _existing(value, docs_dir)
                if value:
                    kept.append({title: value})
            elif (docs_dir / value).exists():
                kept.append(item)
        else:
            kept.append(item)
    return kept


def on_config(config):
    config["nav"] = _existing(config["nav"], Path(config["docs_dir"]))
    return config
