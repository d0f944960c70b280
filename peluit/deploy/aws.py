"""The AWS clients a deployment uses, made once from a profile and a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from peluit.store.s3 import make_s3_client

from .errors import DeployError

AwsClient = Any  # boto3 clients carry no type information


@dataclass(frozen=True)
class AwsClients:
    region: str
    cloudformation: AwsClient
    s3: AwsClient
    cloudfront: AwsClient
    sts: AwsClient
    kms: AwsClient


def make_clients(region: str, profile: str | None = None) -> AwsClients:
    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        return AwsClients(
            region=region,
            cloudformation=session.client("cloudformation", region_name=region),
            # regional endpoint, virtual-hosted addressing: what the functions use too
            s3=make_s3_client(region, None, profile),
            cloudfront=session.client("cloudfront", region_name=region),
            sts=session.client("sts", region_name=region),
            kms=session.client("kms", region_name=region),
        )
    except BotoCoreError as exc:  # an unknown profile, typically
        raise DeployError(f"cannot use AWS credentials: {exc}") from None


def error_code(exc: ClientError) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def error_message(exc: ClientError) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")) or str(exc)


def account_id(clients: AwsClients) -> str:
    """The account the credentials belong to: the first AWS call of a deployment, so missing
    or expired credentials and an unreachable AWS stop it before anything is built."""
    try:
        return str(clients.sts.get_caller_identity()["Account"])
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(failure_message(exc, clients.region)) from None


_REFUSED_CREDENTIALS = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "AccessDenied",
    }
)


def failure_message(exc: BotoCoreError | ClientError, region: str) -> str:
    """One line for the operator (Indonesian, then English) about a failed AWS call."""
    detail = " ".join(str(exc).split())
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (
            "kredensial AWS tidak ditemukan / no AWS credentials found: give --profile (after "
            "`aws configure sso`) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if isinstance(exc, SSOError | TokenRetrievalError):
        return (
            "sesi SSO AWS berakhir / the AWS SSO session has ended: run "
            f"`aws sso login --profile …` ({detail})"
        )
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return f"tidak dapat menghubungi AWS / cannot reach AWS: check the network ({detail})"
    if isinstance(exc, ClientError) and error_code(exc) in _REFUSED_CREDENTIALS:
        return (
            f"AWS menolak kredensial ini / AWS refused these credentials ({error_code(exc)}: "
            f"{' '.join(error_message(exc).split())}); check --profile and that {region} is "
            "enabled for the account"
        )
    return f"AWS: {detail}"
