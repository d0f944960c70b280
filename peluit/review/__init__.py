"""The review team's tool: a signing API client, and encryption on the person's machine."""
