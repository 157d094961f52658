"""Site-specific settings (links the web team supplies), from settings/site.yml or the environment."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import yaml

from actions.knowledge import PROJECT_ROOT

SETTINGS_FILE = PROJECT_ROOT / "settings" / "site.yml"


def link_url(name: str, settings_file: Path = SETTINGS_FILE) -> Optional[str]:
    """The web address of site link `name` (env SI_<NAME> wins over settings/site.yml), or None
    when nobody has configured one or it is not a web address."""
    url = os.environ.get(f"SI_{name.upper()}")
    if url is None:
        settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
        url = (settings.get("links") or {}).get(name) or ""
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return url
    return None
