"""Custom actions of the SI joint assistant, served by the rasa-sdk action server."""
