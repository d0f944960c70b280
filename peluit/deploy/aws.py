"""The AWS clients a deployment uses, made once from a profile and a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

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
    try:
        return str(clients.sts.get_caller_identity()["Account"])
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(
            f"cannot reach AWS with these credentials ({exc}); check --profile and that "
            f"{clients.region} is enabled for the account"
        ) from None
