#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter: Rasa 3.6 supports Python 3.8-3.10 only, and on a
# newer Python pip silently falls back to an old, broken Rasa. Looks on PATH, then under pyenv.
set -euo pipefail

is_310() { [ -x "$1" ] && [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "3.10" ]; }

candidates=()
for name in python3.10 python3 python; do
  if path=$(command -v "$name" 2>/dev/null); then candidates+=("$path"); fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for dir in "$root"/versions/3.10*; do candidates+=("$dir/bin/python3.10"); done
fi
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*; do candidates+=("$dir/bin/python3.10"); done

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then
    # A pyenv shim may point at another version; resolve to the real interpreter.
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

cat >&2 <<'MSG'
error: Python 3.10 was not found (looked on PATH and under pyenv).
Rasa 3.6 runs on Python 3.8 to 3.10 only. Install Python 3.10, for example:
    pyenv install 3.10.13        (with pyenv)
    apt-get install python3.10 python3.10-venv   (where your distribution packages it)
then run the command again.
MSG
exit 1
