"""A small, strict implementation of age v1 (C2SP) on `cryptography`.

Recipient types: ML-KEM-768 + X25519 hybrid (`age1pq1…`), X25519 (`age1…`) and
scrypt passphrases. Streams are processed in 64 KiB chunks in constant memory.
See docs/format.md for how Peluit uses it and what every error means.
"""

from .armor import armor, dearmor, is_armored
from .crypt import (
    decrypt,
    decrypt_stream,
    encrypt,
    encrypt_stream,
    iter_decrypt,
    iter_decrypt_view,
    iter_decrypt_view_into,
    iter_encrypt,
)
from .errors import (
    AgeError,
    ArmorError,
    HeaderError,
    HmacError,
    KeyFormatError,
    NoMatchError,
    PayloadError,
    RecipientPolicyError,
)
from .format import HeaderLimits
from .hybrid import HybridIdentity, HybridRecipient
from .inspect import (
    HeaderInfo,
    hybrid_file_size,
    hybrid_header_size,
    inspect,
    require_hybrid_recipients,
)
from .keys import (
    AnyIdentity,
    AnyRecipient,
    parse_identity,
    parse_identity_file,
    parse_recipient,
    parse_recipients_file,
)
from .recipient import Identity, Recipient
from .scrypt import ScryptIdentity, ScryptRecipient
from .x25519 import X25519Identity, X25519Recipient

__all__ = [
    "AgeError",
    "AnyIdentity",
    "AnyRecipient",
    "ArmorError",
    "HeaderError",
    "HeaderInfo",
    "HeaderLimits",
    "HmacError",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "KeyFormatError",
    "NoMatchError",
    "PayloadError",
    "Recipient",
    "RecipientPolicyError",
    "ScryptIdentity",
    "ScryptRecipient",
    "X25519Identity",
    "X25519Recipient",
    "armor",
    "dearmor",
    "decrypt",
    "decrypt_stream",
    "encrypt",
    "encrypt_stream",
    "hybrid_file_size",
    "hybrid_header_size",
    "inspect",
    "is_armored",
    "iter_decrypt",
    "iter_decrypt_view",
    "iter_decrypt_view_into",
    "iter_encrypt",
    "parse_identity",
    "parse_identity_file",
    "parse_recipient",
    "parse_recipients_file",
    "require_hybrid_recipients",
]
