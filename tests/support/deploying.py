"""Running `peluit deploy` and `peluit destroy` against moto.

moto 5.2.5 cannot do everything CloudFormation does, and this module fills the gaps explicitly:

- it creates no CloudFront or API Gateway v2 resources from a template, and a `!GetAtt` on one
  of them inside a resource it does create is an error: `moto_template` replaces the site's
  origin (the case bucket's CORS origin, the reviewer function's PELUIT_REVIEW_ORIGIN) with a
  literal one;
- it computes no Outputs for a stack created from a change set (the stack's output map is
  built while the stack is still empty): `StackOutputs` answers `describe_stacks` with the
  outputs CloudFormation would give, from the stack's resources and a distribution made in
  moto's CloudFront;
- it ignores the conditions of a bucket policy, so the artifacts bucket's "deny unless TLS"
  would deny every request: `PolicyRecorder` keeps bucket policies for the tests to read
  instead of applying them.

It also ignores a function's `Architectures` (arm64 is checked on the template instead).
Everything else — change sets, parameters, the functions, roles, buckets, the KMS key, the
uploads and the invalidation — is moto's own.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from peluit.deploy.aws import AwsClient, AwsClients
from peluit.deploy.package import Pin
from peluit.deploy.source import TEMPLATE, Source, find_source
from tests.support.factory import example_text

REGION = "ap-southeast-3"
CASE_BUCKET = "peluit-test-cases"
SITE_URL = "https://wbs.example.go.id"
MOTO_ORIGIN = "https://d111111abcdef8.cloudfront.net"
_SITE_ORIGIN = (
    '!If [HasDomain, !Sub "https://${SiteDomain}", !Sub "https://${Distribution.DomainName}"]'
)

SITE = {
    "index.html": "<!doctype html><title>Peluit</title>",
    "404.html": "<!doctype html><title>Tidak ditemukan</title>",
    "en/index.html": "<!doctype html><title>Peluit (en)</title>",
    "assets/javascripts/bundle.0123abcd.min.js": "/* bundle */",
    "assets/peluit/form.js": "/* form */",
    "assets/peluit/worker.js": "/* worker */",
    "assets/peluit/followup.js": "/* follow-up page */",
    "assets/peluit/followup-worker.js": "/* follow-up worker */",
    "assets/peluit/stats.js": "/* statistics page */",
    "assets/peluit/channels.json": '{"version": 1}',
    "assets/images/logo.png": "\x89PNG",
}


def moto_template(tmp_path: Path) -> Source:
    """The real checkout, with a template moto can execute (see the module docstring)."""
    real = find_source()
    text = real.template.read_text(encoding="utf-8")
    assert text.count(_SITE_ORIGIN) == 2, "the site origin moved: update tests/support/deploying"
    variant = tmp_path / TEMPLATE.name
    variant.write_text(text.replace(_SITE_ORIGIN, MOTO_ORIGIN), encoding="utf-8")
    return dataclasses.replace(real, template=variant)


def write_config(tmp_path: Path, store: str | None = None) -> Path:
    """The example configuration with an S3 store in Jakarta (or `store` as its [store])."""
    section = store or f'kind = "s3"\nbucket = "{CASE_BUCKET}"\nregion = "{REGION}"'
    text = example_text().replace('kind = "local"\npath = "var"', section, 1)
    text = text.replace('site_url = "https://wbs.batangharikab.go.id"', f'site_url = "{SITE_URL}"')
    assert section in text
    path = tmp_path / "peluit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fake_site(config_path: Path, out_dir: Path) -> None:
    """What `build_site` leaves: pages in two languages, hashed and unhashed assets."""
    assert config_path.is_file()
    for name, content in SITE.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def make_wheel(directory: Path, pin: Pin, members: Mapping[str, bytes] | None = None) -> Path:
    """A small wheel for `pin` (its package's `__init__.py` and METADATA, or `members`)."""
    module = pin.name.replace("-", "_")
    dist_info = f"{module}-{pin.version}.dist-info"
    contents = dict(members or {f"{module}/__init__.py": b""})
    contents[f"{dist_info}/METADATA"] = f"Name: {pin.name}\nVersion: {pin.version}\n".encode()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{module}-{pin.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


@dataclasses.dataclass
class FakeWheels:
    """Stands in for the lock's wheels (no download): a small wheel per pin, made in
    `directory`; remembers which pins it was asked for."""

    directory: Path
    requested: list[Pin] = dataclasses.field(default_factory=list)

    def __call__(self, pins: Sequence[Pin]) -> list[Path]:
        self.requested = list(pins)
        return [make_wheel(self.directory, pin) for pin in pins]


@dataclasses.dataclass
class ScriptedConsole:
    """Answers questions from a script; remembers everything said and asked."""

    answers: list[str] = dataclasses.field(default_factory=list)
    said: list[str] = dataclasses.field(default_factory=list)
    asked: list[str] = dataclasses.field(default_factory=list)

    def say(self, text: str) -> None:
        self.said.append(text)

    def ask(self, question: str) -> str | None:
        self.asked.append(question)
        return self.answers.pop(0) if self.answers else None

    @property
    def transcript(self) -> str:
        return "\n".join(self.said)


class StackOutputs:
    """A CloudFormation client whose `describe_stacks` carries the outputs moto leaves out."""

    def __init__(self, real: AwsClient, distribution_id: str, domain: str) -> None:
        self._real = real
        self._distribution_id = distribution_id
        self._domain = domain

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def describe_stacks(self, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self._real.describe_stacks(**kwargs)
        for stack in answer["Stacks"]:
            if stack["StackStatus"] in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}:
                stack["Outputs"] = [
                    {"OutputKey": k, "OutputValue": v}
                    for k, v in self._outputs(stack["StackName"]).items()
                ]
        return answer

    def _outputs(self, stack_name: str) -> dict[str, str]:
        summaries = self._real.list_stack_resources(StackName=stack_name)
        ids = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in summaries["StackResourceSummaries"]
        }
        return {
            "CaseBucketName": ids["CaseBucket"],
            "SiteBucketName": ids["SiteBucket"],
            "DistributionId": self._distribution_id,
            "SiteUrl": f"https://{self._domain}/",
            "ApiUrl": f"https://{self._domain}/api/v1",
        }


class PolicyRecorder:
    """An S3 client that records bucket policies instead of applying them."""

    def __init__(self, real: AwsClient) -> None:
        self._real = real
        self.policies: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def put_bucket_policy(self, Bucket: str, Policy: str) -> None:  # noqa: N803 (boto3's names)
        self.policies[Bucket] = Policy


def for_moto(clients: AwsClients) -> AwsClients:
    """`clients` whose CloudFormation reports outputs (backed by a distribution in moto's
    CloudFront) and whose S3 records bucket policies."""
    created = clients.cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "peluit-test",
            "Comment": "stands in for the stack's distribution",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": "site.s3.ap-southeast-3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]
    shim = StackOutputs(clients.cloudformation, created["Id"], created["DomainName"])
    return dataclasses.replace(clients, cloudformation=shim, s3=PolicyRecorder(clients.s3))
