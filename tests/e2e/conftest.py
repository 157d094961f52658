import os
import shutil

import pytest

from tests import ARTIFACTS
from tests.e2e import IMPLANTS_URL
from tests.live_reply_rules import (  # noqa: F401 - fixtures used by every test here
    channel_replies_keep_the_reply_rules,
    web_chat_replies_keep_the_reply_rules,
)


@pytest.fixture(scope="session")
def knowledge_copy(tmp_path_factory):
    """A copy of the knowledge file the end-to-end servers answer from, so tests may edit it."""
    from si_joint.knowledge import DEFAULT_KNOWLEDGE_FILE

    path = tmp_path_factory.mktemp("knowledge") / "si_joint.yml"
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, path)
    return path


@pytest.fixture(scope="session")
def fake_platforms():
    """Local stand-ins for the Telegram, Facebook, Slack and Twilio APIs the channels reply to."""
    from si_joint_dev.fake_platforms import FakePlatforms

    platforms = FakePlatforms().start()
    yield platforms
    platforms.stop()


@pytest.fixture(scope="session")
def assistant(knowledge_copy, fake_platforms, trained_model):
    """The real action server, Rasa server (trained model; REST, web chat and all four messaging
    channels, replying to `fake_platforms`; HTTP API behind a token to read trackers) and the demo
    page, on free local ports."""
    from si_joint_dev.channel_requests import CHANNEL_SECRETS
    from si_joint_dev.running_assistant import running_assistant

    env = {
        "SI_KNOWLEDGE_FILE": str(knowledge_copy),
        "SI_IMPLANTS_URL": IMPLANTS_URL,
        **CHANNEL_SECRETS,
        **{
            f"SI_{name.upper()}_API_URL": fake_platforms.api_url(name)
            for name in ("telegram", "facebook", "slack", "twilio")
        },
    }
    token = "test-api-" + os.urandom(8).hex()
    with running_assistant(ARTIFACTS / "e2e_logs", env, demo=True, api_token=token) as running:
        yield running


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, driven by Playwright: one for the end-to-end tests, closed when
    they end (Playwright's event loop must not outlive them: later tests run their own)."""
    from si_joint_dev.browser_patient import chromium_path, headless_chromium

    try:
        chromium_path()
    except RuntimeError as error:
        pytest.fail(str(error))
    with headless_chromium() as chromium:
        yield chromium
