"""HTTP Message Signatures (RFC 9421) with Ed25519, as the reviewer API uses them.

`errors` has no third-party imports, so the exception table can name these errors without
loading `http-message-signatures` into the public function; `sign` and `verify` do.
"""
