"""Development tools shared by the tests and the scripts: the local stack launcher (local_servers),
the NLU evaluation on the held-out set, a patient in headless Chromium, signed channel requests and
fake messaging platforms. Never imported by the assistant itself."""
