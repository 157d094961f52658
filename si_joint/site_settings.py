"""Site-specific settings (numbers and links the company supplies), from content/settings/site.yml or the
environment (SI_<KEY> wins). Nothing here is medical content or secret."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Tuple
from urllib.parse import urlparse

import yaml

from si_joint import PROJECT_ROOT

SETTINGS_FILE = PROJECT_ROOT / "content" / "settings" / "site.yml"
EMERGENCY_KEYS = ("emergency_region", "emergency_number", "crisis_line")
# Texts said in the patient's language: `<key>_<language>` (crisis_line_es), the English otherwise.
TRANSLATED_EMERGENCY_KEYS = ("emergency_region", "crisis_line")
# The languages with a knowledge file, a reply wording and warning signs of their own.
SUPPORTED_LANGUAGES = ("en", "es")


class SettingsError(ValueError):
    """A setting the assistant cannot run without is missing."""


def setting(section: str, key: str, settings_file: Path = SETTINGS_FILE) -> str:
    """The configured text for `section.key`, or "" when nobody has set it."""
    value = os.environ.get(f"SI_{key.upper()}")
    if value is None:
        settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
        value = (settings.get(section) or {}).get(key)
    return " ".join(str(value or "").split())


def web_address(section: str, key: str, settings_file: Path = SETTINGS_FILE) -> Optional[str]:
    """A configured http(s) address, or None when unset or not a web address."""
    url = setting(section, key, settings_file)
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


def link_url(name: str, settings_file: Path = SETTINGS_FILE) -> Optional[str]:
    return web_address("links", name, settings_file)


def emergency_settings(settings_file: Path = SETTINGS_FILE, language: str = "en") -> dict:
    """The emergency number, crisis line and their region, in `language`. They must be configured:
    the action server refuses to start without them rather than send a patient in danger nowhere."""
    values = {key: setting("emergency", key, settings_file) for key in EMERGENCY_KEYS}
    if language != "en":
        for key in TRANSLATED_EMERGENCY_KEYS:
            values[key] = setting("emergency", f"{key}_{language}", settings_file) or values[key]
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise SettingsError(
            f"{settings_file}: emergency: {', '.join(missing)} not set "
            f"(or set {', '.join('SI_' + k.upper() for k in missing)})"
        )
    return values


def served_languages(settings_file: Path = SETTINGS_FILE) -> Tuple[str, ...]:
    """The languages the assistant answers in: English first, always, then the others configured."""
    value = os.environ.get("SI_LANGUAGES")
    if value is None:
        value = (yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}).get("languages") or ""
    others = [language for language in str(value).replace(",", " ").split() if language != "en"]
    unknown = [language for language in others if language not in SUPPORTED_LANGUAGES]
    if unknown:
        raise SettingsError(
            f"{settings_file}: languages: {', '.join(unknown)} not one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return ("en", *dict.fromkeys(others))


def retention_days(settings_file: Path = SETTINGS_FILE) -> int:
    """Days of inactivity after which a conversation is deleted (privacy.retention_days)."""
    value = setting("privacy", "retention_days", settings_file) or "30"
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 1 <= days <= 3650:
        raise SettingsError(f"privacy.retention_days (SI_RETENTION_DAYS) must be 1-3650 days, not {value!r}")
    return days


def privacy_page_url(settings_file: Path = SETTINGS_FILE) -> Optional[str]:
    return web_address("privacy", "privacy_page_url", settings_file)
