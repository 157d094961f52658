"""Rasa input and output channels: the website chat and the messaging apps, each rendering for its medium."""
