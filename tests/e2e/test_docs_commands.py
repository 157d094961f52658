"""The README's own way to talk to the assistant, run as written against the real servers."""

import json
import re
import subprocess

from si_joint import PROJECT_ROOT


def test_the_readme_s_curl_command_gets_an_answer(assistant):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```(?:sh|bash)\n(curl [^`]*?)```", readme).group(1)
    command = command.replace("http://localhost:5005", assistant.rasa_url)
    ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    replies = " ".join(message.get("text") or "" for message in json.loads(ran.stdout))
    assert "sacroiliac" in replies.lower(), replies
