"""Operations see the service without reading conversations: GET /metrics counts turns, latency,
fallbacks, not-covered answers, emergency replies and errors per channel, and holds no message
text and no conversation id."""

import re
import urllib.request

from si_joint_dev.running_assistant import running_assistant

CANARY = "zebra canary 5e1d"


def metrics(assistant):
    with urllib.request.urlopen(assistant.rasa_url + "/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return response.read().decode()


def value(text, name):
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_each_kind_of_reply_without_any_text_or_id(tmp_path, trained_model):
    with running_assistant(tmp_path / "logs") as assistant:
        patient = assistant.conversation()
        for message in (
            "what causes si joint pain",
            f"tell me about {CANARY}",
            "/none_of_these",
            "what is the cost of the surgery",
            f"I suddenly can't control my bladder {CANARY}",
        ):
            patient.say(message)
        text = metrics(assistant)
    assert value(text, 'si_assistant_turns_total{channel="rest"}') == 5
    assert value(text, 'si_assistant_emergency_replies_total{channel="rest"}') == 1
    assert value(text, 'si_assistant_fallback_replies_total{channel="rest"}') >= 1
    assert value(text, 'si_assistant_not_covered_replies_total{channel="rest"}') >= 1
    assert value(text, 'si_assistant_turn_seconds_count{channel="rest"}') == 5
    assert CANARY not in text and patient.sender not in text
    sample = re.compile(r'si_assistant_\w+\{channel="\w+"(,le="[\d.+Inf]+")?\} [\d.e+-]+')
    for line in text.splitlines():
        assert line.startswith("#") or sample.fullmatch(line)


def test_metrics_are_refused_through_a_proxy(tmp_path, trained_model):
    with running_assistant(tmp_path / "logs") as assistant:
        request = urllib.request.Request(assistant.rasa_url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("metrics served to a proxied caller")
        except urllib.error.HTTPError as error:
            assert error.code == 403
