"""Framework-free logic shared by the Rasa server (NLU components, channels, tracker store) and
the action server. Nothing here imports Rasa or rasa_sdk."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
