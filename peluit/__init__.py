"""Peluit: a whistle-blowing system whose server only ever holds ciphertext."""
