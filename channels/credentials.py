"""Writes the credentials file Rasa starts with: only the channels whose variables are set.

    python -m channels.credentials build/credentials.yml    # prints the channels it enabled

`credentials.yml` says which variable feeds which setting; this module decides which channels are
on. A channel is on when all its required variables are set, and off when none is; setting only
some is an error that names the missing ones, so a half-configured channel never starts silently.
Optional variables (API address overrides, a fixed Slack channel, one of the two Twilio numbers,
the public URL) are dropped from the file when unset. The written file keeps the `${VARIABLE}`
references, so secrets stay in the environment.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import List, Mapping, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "credentials.yml"
ALWAYS_ON = ("channels.rest.RestInput", "channels.web_chat.WebChatInput")
OPTIONAL = frozenset(
    {
        "SI_TELEGRAM_API_URL",
        "SI_FACEBOOK_API_URL",
        "SI_SLACK_API_URL",
        "SI_SLACK_CHANNEL",
        "SI_TWILIO_API_URL",
        "SI_TWILIO_SMS_NUMBER",
        "SI_TWILIO_WHATSAPP_NUMBER",
        "SI_PUBLIC_URL",
        "SI_REDIS_HOST",
        "SI_REDIS_PORT",
        "SI_REDIS_PASSWORD",
    }
)
_REFERENCE = re.compile(r"^\$\{(\w+)\}$")


class CredentialsError(ValueError):
    pass


def build_credentials(env: Mapping[str, str], template: Path = TEMPLATE) -> Tuple[dict, List[str]]:
    """(credentials document, names of the messaging channels turned on)."""
    channels = yaml.safe_load(template.read_text())
    document: dict = {}
    enabled: List[str] = []
    for channel, settings in channels.items():
        settings = settings or {}
        references = {key: _variable(value) for key, value in settings.items()}
        required = [var for var in references.values() if var and var not in OPTIONAL]
        missing = [var for var in required if not env.get(var)]
        if channel in ALWAYS_ON and missing:
            raise CredentialsError(f"{_short_name(channel)} needs {', '.join(missing)}")
        if channel not in ALWAYS_ON:
            if len(missing) == len(required):
                continue
            if missing:
                raise CredentialsError(f"{_short_name(channel)} is half configured: set {', '.join(missing)}")
            enabled.append(_short_name(channel))
        document[channel] = {
            key: value for key, value in settings.items() if not references[key] or env.get(references[key])
        } or None
    return document, enabled


def write_credentials(path: Path, env: Mapping[str, str]) -> List[str]:
    document, enabled = build_credentials(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by channels/credentials.py from credentials.yml; do not edit.\n"
    path.write_text(header + yaml.safe_dump(document, sort_keys=False))
    return enabled


def _variable(value) -> str:
    match = _REFERENCE.match(str(value)) if isinstance(value, str) else None
    return match.group(1) if match else ""


def _short_name(channel: str) -> str:
    return channel.rsplit(".", 1)[-1].removesuffix("Input").lower()


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m channels.credentials OUTPUT_FILE", file=sys.stderr)
        return 2
    try:
        enabled = write_credentials(Path(argv[0]), os.environ)
    except CredentialsError as error:
        print(f"Channel settings: {error}", file=sys.stderr)
        return 1
    print("Messaging channels on: " + (", ".join(enabled) if enabled else "none (no channel variables set)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
