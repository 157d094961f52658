"""Site-specific settings (links the web team supplies), from settings/site.yml or the environment."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import yaml

from actions.knowledge import PROJECT_ROOT

SETTINGS_FILE = PROJECT_ROOT / "settings" / "site.yml"


def implants_url(settings_file: Path = SETTINGS_FILE) -> Optional[str]:
    """The learn-more link for Alevio's implants, or None when nobody has configured one."""
    url = os.environ.get("SI_IMPLANTS_URL")
    if url is None:
        settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
        url = (settings.get("links") or {}).get("implants_url") or ""
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return url
    return None
