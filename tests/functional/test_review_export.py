"""The export bundle, made through the signed reviewer API over a memory store: names made
safe, a manifest whose hashes match, attachments byte for byte, and no partial bundle."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from peluit.core import layout
from peluit.core.ids import case_reference
from peluit.review.desk import ReviewDesk
from peluit.review.errors import IntegrityError
from peluit.review.export import write_bundle
from tests.support.cases import Attachment, submit_case
from tests.support.review import Deployment, make_review_team

pytestmark = pytest.mark.functional

HOSTILE = [
    Attachment("../../../../etc/cron.d/evil", b"A" * 70_000),
    Attachment("..\\..\\Windows\\evil.bat", b"B" * 100),
    Attachment("/abs/olut.txt", b"C"),
    Attachment("same.txt", b"first"),
    Attachment("same.txt", b"second"),
    Attachment("..", b""),
    Attachment("NUL.txt", b"device"),
    Attachment("\x1b]0;title\x07.pdf", b"escape"),
]


@pytest.fixture(scope="module")
def deployment() -> Deployment:
    return Deployment(make_review_team())


def _desk(deployment: Deployment, person: str = "rina") -> ReviewDesk:
    return ReviewDesk(
        deployment.config, deployment.review_team.key(person), deployment.client(person),
        clock=deployment.clock,
    )  # fmt: skip


def _bundle(deployment: Deployment, case: str) -> zipfile.ZipFile:
    out = io.BytesIO()
    write_bundle(_desk(deployment), case, out, deployment.clock())
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def test_attachment_names_are_made_safe_and_the_bytes_are_the_originals(
    deployment: Deployment,
) -> None:
    # three cases: the test configuration allows three files per report
    case = submit_case(
        deployment.config, deployment.store, {"what": "x"}, attachments=HOSTILE[:3],
        clock=deployment.clock,
    ).case  # fmt: skip
    more = submit_case(
        deployment.config, deployment.store, {"what": "y"}, attachments=HOSTILE[3:6],
        clock=deployment.clock,
    ).case  # fmt: skip
    last = submit_case(
        deployment.config, deployment.store, {"what": "z"}, attachments=HOSTILE[6:],
        clock=deployment.clock,
    ).case  # fmt: skip
    expected = {
        case: ["00-evil", "01-evil.bat", "02-olut.txt"],
        more: ["00-same.txt", "01-same.txt", "02-lampiran"],
        last: ["00-NUL_.txt", "01-]0;title.pdf"],
    }
    attachments = {case: HOSTILE[:3], more: HOSTILE[3:6], last: HOSTILE[6:]}
    for found, names in expected.items():
        folder = case_reference(found)
        with _bundle(deployment, found) as zf:
            inside = [n for n in zf.namelist() if n.startswith(f"{folder}/attachments/")]
            assert inside == [f"{folder}/attachments/{n}" for n in names]
            for name, original in zip(names, attachments[found], strict=True):
                assert zf.read(f"{folder}/attachments/{name}") == original.data
            assert all(n.startswith(f"{folder}/") and ".." not in n for n in zf.namelist())


def test_the_manifest_lists_every_file_with_its_sha256(deployment: Deployment) -> None:
    case = submit_case(
        deployment.config, deployment.store, {"what": "Mark-up harga."},
        attachments=[Attachment("foto.jpg", b"\xff\xd8" * 5000)], clock=deployment.clock,
    ).case  # fmt: skip
    folder = case_reference(case)
    with _bundle(deployment, case) as zf:
        lines = zf.read(f"{folder}/MANIFEST.sha256").decode().splitlines()
        listed = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
        assert set(listed) == {
            "README.txt", "report.json", "report.txt", "state.json", "thread.json",
            "attachments.json", "attachments/00-foto.jpg",
        }  # fmt: skip
        for path, digest in listed.items():
            assert hashlib.sha256(zf.read(f"{folder}/{path}")).hexdigest() == digest
        assert b"Mark-up harga." in zf.read(f"{folder}/report.json")
        assert b"Apa yang terjadi? / What happened?" in zf.read(f"{folder}/report.txt")


def test_an_attachment_that_fails_to_authenticate_fails_the_whole_export(
    deployment: Deployment,
) -> None:
    case = submit_case(
        deployment.config, deployment.store, {"what": "rusak"},
        attachments=[Attachment("a.bin", b"a" * 1000)], clock=deployment.clock,
    ).case  # fmt: skip
    key = layout.case_segment(case, 0, 0)
    data = bytearray(deployment.store.objects[key])
    data[-1] ^= 1
    deployment.store.objects[key] = bytes(data)
    with pytest.raises(IntegrityError):
        write_bundle(_desk(deployment), case, io.BytesIO(), deployment.clock())


def test_an_identity_given_openly_stays_out_of_the_bundle(deployment: Deployment) -> None:
    case = submit_case(
        deployment.config, deployment.store, {"what": "pungli"},
        open_identity={"reporter_name": "Budi Santoso"}, clock=deployment.clock,
    ).case  # fmt: skip
    with _bundle(deployment, case) as zf:
        everything = b"".join(zf.read(name) for name in zf.namelist())
        report = json.loads(zf.read(f"{case_reference(case)}/report.json"))
    assert b"Budi Santoso" not in everything
    assert report["identity"] is None
    assert report["identity_withheld"] is True
    assert report["answers"]["what"] == "pungli"
