"""Recipient and identity strings and files: exact encodings, and nothing else accepted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit import age
from peluit.age import bech32

pytestmark = pytest.mark.unit

# The example identity of the C2SP age spec (mlkem768x25519 section) and its recipient.
SPEC_HYBRID_IDENTITY = (
    "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR"
)
SPEC_HYBRID_RECIPIENT = (
    "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmw"
    "jjqpjfdyxnzr2zampc3uxy0dg4z2n2gm9su72p0pc3u0jvev55l694v78snxg3yzvcl7yda0eyytqj6a0ec477lnhc"
    "y5hzpz4zq3pxanve4cn62gqj3pjy5lqj9c6kyj4v2z8alktn8zh99970x79gjkv7522hv9kfz35zsnxhsx8wwtmu9c"
    "y3ftzjgwcp4sshn3llnylnpdsyz5jm72vefv4x5vfwytrefxg4wq3mv42wcrvkj742479zrxzpvp2p3e9fed9f0739"
    "vcu80r7ma28qfhnvlv4gfzel9q654dj3zmuvvz893azhxdvs9fxd0r7jzchzcfcs5mkyyjxhw0n2z6dvp9yn9qfdp2"
    "9h0azxqyjw6v7fhyuzj7zel0uq6j9rd7wgrpz7mf5dnj43jwsgvrc8qcnhy7tu6dkdujuxzkp9xj43xe8h92ktre2a"
    "3u3s8mm5mrp9nr9pwkgtz4mdlq9hgn4fps4k57ff6wddn2fy23t47sm20r8km8sd2pcyyafnet8f0dajsrlyjeah4n"
    "3mssr6aseevuuskdvq5lzguyvpgwpta742c6698vgutzqgny8usfg0w2he7kq5vyxjd0f9hqg8xk26y9e4th0gezq92"
    "q4cpp5p2y9hf5f2cje5l0c3sa3a2qxmm38pxxvhxh99yzmfz0zk7r2s64nnwjhkfgfr3gf8xnmppcgmaykvh5sh6g7"
    "vk9790rf8ws0axmr2t7z8aae5fq2029uvcn2ghgt4fu4wgwdc0k0cz52qkvwmuzj8p8k5jgf3xzk5zmrkavjekjrpe"
    "q408xz3zxazwkc6tyfmhayrkfpjhwtz5mp8j8guqe43k2q6m2kte03vrw27y3wmqyu5etmt9dnkwcnnpmu9gz9dekf"
    "hdevf42ucshphnrk38ra6hx8w5f8q5ru0xdhrjxmwqf6cused7zc5xvq43r0zscjglpwlptpwydhqw64xz7ptjdyey"
    "zpq2zkxtmzg29gzjpvzva4d3l0cenn9xs297wf4y4ukwrunf57xj6pm7nvrkwvtrt8hwcmgv8x7ajw7258ugf9wvkm"
    "k4052ekg87tw5vnx8nq2swyzv77v8yqlwsenvamr0zssknwts8rrhfuwj7ykysnq9jxy0uv3kuyt22djszjdtvpz6d"
    "0s0kwh8ryynddzud92emeyvvyqktd0jtj7rvvg5gch25v8smlvny3kvn5gagyz475ze2y6q466xqmz2n3hs77lddeq"
    "yta2nch5k2u5yacuk9ywnwfdzvyejnucz724hj77hrrmakm7pr3kxsrxq22ejexlud9fy2kdqmkg5yncz7jm5wv2qj"
    "k5w5kvcpqsry2yqffh2la52dxfjkjq5rzhjzeyn6dupn0qwtyv7s4lwg3xdarsdlwe2y3tujy480y7z39q259fzx6j"
    "hd2j0f5hagqpcpees7hzc2yrk5cy788uk3s7qvp5cpepx24gvws3m2g433exgwppnkjscec8qu4y9z9r7vccexjcja"
    "en42245lmgmxmuavg9alej92322gvvyy2t6267v09ch64y0m53jff0vjj96s0ypk60hr3jw4myd6m5hpn3xjstx7tl"
    "2szhpr5qe8jj08ydjc4wy2rch2fhuy3pdfjax5awe9j99ly5hkntzz9fe5zatgjvzdd0kgtxs25njnajyf6ssekp7g"
    "elxquusn4pt25czh3scj68kq79wdn5tgm6yvm9nzavrg043x3msnygf8dweknw5jmqd0uvny6ttsn09508k0c55zfn"
    "egrm9efhxpfqdkmhh6gjtqmwze9pyyzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k"
)
# X25519: the identity of the CCTV vectors, and its recipient as `age-keygen -y` (age 1.x) gives it.
CCTV_X25519_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
CCTV_X25519_RECIPIENT = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"
# RFC 7748 section 6.1: Alice's private key and public key.
RFC7748_PRIVATE = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
RFC7748_PUBLIC = bytes.fromhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")

X_ID = age.X25519Identity(bytes(range(32)))
X_RCPT = X_ID.recipient().encode()
PQ_ID = age.HybridIdentity(bytes(range(32)))
PQ_RCPT = PQ_ID.recipient().encode()

SEEDS = st.binary(min_size=32, max_size=32)


def test_spec_example_hybrid_identity_maps_to_the_spec_recipient() -> None:
    identity = age.parse_identity(SPEC_HYBRID_IDENTITY)
    assert isinstance(identity, age.HybridIdentity)
    assert len(SPEC_HYBRID_RECIPIENT) == 1959
    assert identity.recipient().encode() == SPEC_HYBRID_RECIPIENT
    assert identity.encode() == SPEC_HYBRID_IDENTITY


def test_spec_example_hybrid_recipient_parses_and_encodes_back() -> None:
    recipient = age.parse_recipient(SPEC_HYBRID_RECIPIENT)
    assert isinstance(recipient, age.HybridRecipient)
    assert recipient.encode() == SPEC_HYBRID_RECIPIENT
    assert recipient == age.parse_identity(SPEC_HYBRID_IDENTITY).recipient()


def test_spec_example_keys_encrypt_and_decrypt() -> None:
    data = age.encrypt(b"report", [age.parse_recipient(SPEC_HYBRID_RECIPIENT)])
    assert age.decrypt(data, [age.parse_identity(SPEC_HYBRID_IDENTITY)]) == b"report"


@settings(max_examples=50, deadline=None)
@given(SEEDS)
def test_x25519_keys_round_trip_through_their_encodings(scalar: bytes) -> None:
    identity = age.X25519Identity(scalar)
    text = identity.encode()
    assert text.startswith("AGE-SECRET-KEY-1")
    assert text == text.upper()
    assert len(text) == 74
    parsed = age.parse_identity(text)
    assert isinstance(parsed, age.X25519Identity)
    assert parsed.encode() == text
    recipient = identity.recipient().encode()
    assert recipient.startswith("age1")
    assert len(recipient) == 62
    assert age.parse_recipient(recipient) == identity.recipient()
    assert parsed.recipient() == identity.recipient()


@settings(max_examples=20, deadline=None)
@given(SEEDS)
def test_hybrid_keys_round_trip_through_their_encodings(seed: bytes) -> None:
    identity = age.HybridIdentity(seed)
    text = identity.encode()
    assert text.startswith("AGE-SECRET-KEY-PQ-1")
    assert text == text.upper()
    parsed = age.parse_identity(text)
    assert isinstance(parsed, age.HybridIdentity)
    assert parsed.encode() == text
    recipient = identity.recipient().encode()
    assert recipient.startswith("age1pq1")
    assert len(recipient) == 1959
    assert age.parse_recipient(recipient) == identity.recipient()


def test_keys_parse_with_surrounding_whitespace() -> None:
    assert age.parse_recipient(f"  {X_RCPT}\n") == X_ID.recipient()
    assert age.parse_identity(f"\t{PQ_ID.encode()} \r\n").encode() == PQ_ID.encode()


def test_cctv_x25519_identity_maps_to_the_recipient_age_keygen_gives() -> None:
    identity = age.parse_identity(CCTV_X25519_IDENTITY)
    assert isinstance(identity, age.X25519Identity)
    assert identity.encode() == CCTV_X25519_IDENTITY
    assert identity.recipient().encode() == CCTV_X25519_RECIPIENT
    assert age.parse_recipient(CCTV_X25519_RECIPIENT) == identity.recipient()


def test_x25519_identity_derives_the_rfc_7748_public_key() -> None:
    assert age.X25519Identity(RFC7748_PRIVATE).recipient().public == RFC7748_PUBLIC


def _flip_case(text: str, index: int) -> str:
    return text[:index] + text[index].swapcase() + text[index + 1 :]


def _other_char(text: str, index: int) -> str:
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    char = text[index].lower()
    replacement = charset[(charset.index(char) + 1) % 32]
    if text[index].isupper():
        replacement = replacement.upper()
    return text[:index] + replacement + text[index + 1 :]


BAD_RECIPIENTS: dict[str, str] = {
    "empty": "",
    "prefix only": "age1",
    "hybrid prefix only": "age1pq1",
    "wrong HRP": bech32.encode("agf", X_ID.recipient().public),
    "identity HRP, lower case": bech32.encode("age-secret-key-", X_ID.recipient().public),
    "X25519 key under the hybrid HRP": bech32.encode("age1pq", X_ID.recipient().public),
    "hybrid key under the X25519 HRP": bech32.encode("age", PQ_ID.recipient().public),
    "upper case": X_RCPT.upper(),
    "mixed case": _flip_case(X_RCPT, 10),
    "mixed case hybrid": _flip_case(PQ_RCPT, 500),
    "hybrid upper case": PQ_RCPT.upper(),
    "bad checksum": _other_char(X_RCPT, -1),
    "bad checksum mid-string": _other_char(X_RCPT, 20),
    "bad hybrid checksum": _other_char(PQ_RCPT, -1),
    "31 bytes": bech32.encode("age", X_ID.recipient().public[:31]),
    "33 bytes": bech32.encode("age", X_ID.recipient().public + b"\x00"),
    "hybrid 1215 bytes": bech32.encode("age1pq", PQ_ID.recipient().public[:-1]),
    "hybrid 1217 bytes": bech32.encode("age1pq", PQ_ID.recipient().public + b"\x00"),
    "invalid ML-KEM key": bech32.encode("age1pq", b"\xff" * 1184 + PQ_ID.recipient().public[-32:]),
    "character b": X_RCPT[:10] + "b" + X_RCPT[11:],
    "space inside": X_RCPT[:10] + " " + X_RCPT[10:],
    "non-ASCII": X_RCPT[:10] + "é" + X_RCPT[11:],
    "separator missing": X_RCPT.replace("age1", "age", 1),
    "truncated": X_RCPT[:-1],
    "identity given as recipient": X_ID.encode(),
    "ssh key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN",
}


@pytest.mark.parametrize("text", BAD_RECIPIENTS.values(), ids=BAD_RECIPIENTS.keys())
def test_malformed_recipient_is_a_key_format_error(text: str) -> None:
    with pytest.raises(age.KeyFormatError):
        age.parse_recipient(text)


def test_recipient_classes_refuse_each_others_encodings() -> None:
    with pytest.raises(age.KeyFormatError):
        age.X25519Recipient.parse(PQ_RCPT)
    with pytest.raises(age.KeyFormatError):
        age.HybridRecipient.parse(X_RCPT)
    with pytest.raises(age.KeyFormatError):
        age.X25519Identity.parse(PQ_ID.encode())
    with pytest.raises(age.KeyFormatError):
        age.HybridIdentity.parse(X_ID.encode())


BAD_IDENTITIES: dict[str, str] = {
    "empty": "",
    "prefix only": "AGE-SECRET-KEY-1",
    "hybrid prefix only": "AGE-SECRET-KEY-PQ-1",
    "lower case": X_ID.encode().lower(),
    "hybrid lower case": PQ_ID.encode().lower(),
    "mixed case": _flip_case(X_ID.encode(), 30),
    "mixed case in HRP": _flip_case(PQ_ID.encode(), 5),
    "bad checksum": _other_char(X_ID.encode(), -1),
    "bad hybrid checksum": _other_char(PQ_ID.encode(), -3),
    "wrong HRP": bech32.encode("age-secret-key-x-", bytes(32)).upper(),
    "31 bytes": bech32.encode("age-secret-key-", bytes(31)).upper(),
    "33 bytes": bech32.encode("age-secret-key-", bytes(33)).upper(),
    "hybrid 31 bytes": bech32.encode("age-secret-key-pq-", bytes(31)).upper(),
    "hybrid 64 bytes": bech32.encode("age-secret-key-pq-", bytes(64)).upper(),
    "recipient given as identity": X_RCPT,
    "truncated": X_ID.encode()[:-2],
}


@pytest.mark.parametrize("text", BAD_IDENTITIES.values(), ids=BAD_IDENTITIES.keys())
def test_malformed_identity_is_a_key_format_error(text: str) -> None:
    with pytest.raises(age.KeyFormatError):
        age.parse_identity(text)


def test_bech32_refuses_non_zero_padding_bits() -> None:
    text = X_RCPT
    # the last data character before the 6-character checksum carries 4 padding bits
    words = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    data_words = [words.index(c) for c in text[4:-6]]
    data_words[-1] |= 1
    with pytest.raises(age.KeyFormatError):
        bech32.decode(_with_checksum("age", data_words))


def test_bech32_refuses_a_whole_extra_word_of_padding() -> None:
    words = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    data_words = [words.index(c) for c in X_RCPT[4:-6]] + [0, 0]  # 270 bits: 6 spare
    with pytest.raises(age.KeyFormatError):
        bech32.decode(_with_checksum("age", data_words))


@pytest.mark.parametrize("size", [0, 1, 4, 5, 32, 1216])
def test_bech32_data_decodes_to_the_bytes_encoded(size: int) -> None:
    data = bytes(range(256)) * 5
    assert bech32.decode(bech32.encode("age1pq", data[:size])) == ("age1pq", data[:size])


def _with_checksum(hrp: str, data_words: list[int]) -> str:
    """A Bech32 string over raw 5-bit words with a correct checksum (BIP 173 reference)."""
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

    def polymod(values: list[int]) -> int:
        chk = 1
        for value in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ value
            for i, gen in enumerate(generator):
                chk ^= gen if (top >> i) & 1 else 0
        return chk

    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    check = polymod([*expanded, *data_words, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(check >> 5 * (5 - i)) & 31 for i in range(6)]
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    return hrp + "1" + "".join(charset[w] for w in data_words + checksum)


def test_reference_bech32_helper_agrees_with_the_module() -> None:
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    assert _with_checksum("age", [charset.index(c) for c in X_RCPT[4:-6]]) == X_RCPT


# --- key files ---------------------------------------------------------------------------------


def test_identity_file_with_comments_blank_lines_and_both_types_parses_in_order() -> None:
    text = (
        "# created: 2026-01-01T00:00:00Z\n"
        f"# public key: {X_RCPT}\n"
        f"{X_ID.encode()}\n"
        "\n"
        "   \n"
        "  # an indented comment\n"
        f"  {PQ_ID.encode()}  \r\n"
        f"{CCTV_X25519_IDENTITY}"
    )
    identities = age.parse_identity_file(text)
    assert [type(i) for i in identities] == [
        age.X25519Identity,
        age.HybridIdentity,
        age.X25519Identity,
    ]
    assert [i.encode() for i in identities] == [
        X_ID.encode(),
        PQ_ID.encode(),
        CCTV_X25519_IDENTITY,
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "   \n# x\n"])
def test_identity_file_without_identities_is_refused(text: str) -> None:
    with pytest.raises(age.KeyFormatError, match="no identities"):
        age.parse_identity_file(text)


def test_identity_file_error_names_the_line() -> None:
    text = f"# comment\n{X_ID.encode()}\n\n{X_ID.encode().lower()}\n"
    with pytest.raises(age.KeyFormatError, match="line 4"):
        age.parse_identity_file(text)


def test_recipients_file_with_comments_and_blank_lines_parses_in_order() -> None:
    text = f"# review team\n\n{PQ_RCPT}\n  # second\n{X_RCPT}\r\n\n"
    assert age.parse_recipients_file(text) == [PQ_ID.recipient(), X_ID.recipient()]


def test_recipients_file_error_names_the_line() -> None:
    with pytest.raises(age.KeyFormatError, match="line 2"):
        age.parse_recipients_file(f"{X_RCPT}\n{X_RCPT[:-1]}\n")


@pytest.mark.parametrize("text", ["", "# nobody\n"])
def test_recipients_file_without_recipients_is_refused(text: str) -> None:
    with pytest.raises(age.KeyFormatError, match="no recipients"):
        age.parse_recipients_file(text)


@pytest.mark.parametrize("size", [0, 31, 33])
def test_identity_constructors_refuse_wrong_key_sizes(size: int) -> None:
    with pytest.raises(age.KeyFormatError):
        age.X25519Identity(bytes(size))
    with pytest.raises(age.KeyFormatError):
        age.HybridIdentity(bytes(size))


LOW_ORDER: dict[str, str] = {
    "X25519 zero point": bech32.encode("age", bytes(32)),
    "X25519 point of order 1": bech32.encode("age", (1).to_bytes(32, "little")),
    "hybrid with zero X25519 half": bech32.encode(
        "age1pq", PQ_ID.recipient().public[:-32] + bytes(32)
    ),
}


@pytest.mark.parametrize("text", LOW_ORDER.values(), ids=LOW_ORDER.keys())
def test_low_order_recipient_key_is_refused_when_parsed(text: str) -> None:
    with pytest.raises(age.KeyFormatError, match="low-order"):
        age.parse_recipient(text)
