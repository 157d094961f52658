"""How the assistant's two servers are started and where they keep conversations."""
