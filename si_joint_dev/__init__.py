"""Development tools shared by the tests and the scripts: the assistant on free ports for a test
(running_assistant), hostile HTTP requests,
the NLU evaluation on the held-out set, a patient in headless Chromium, signed channel requests and
fake messaging platforms. Never imported by the assistant itself."""
