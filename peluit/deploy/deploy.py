"""`peluit deploy`: site and functions built, stack changed through a reviewed change set, site
published.

Order: the configuration, then the credentials (one STS call: missing credentials or no network
stop it before anything is built), the site build and the package, then the artifacts, then the
change set — shown to the operator and executed only on their word (or `--yes`). `--dry-run`
shows the changes without changing anything in the account (`preview.py`). Template parameters
the operator set once (`--parameter Key=Value`) keep their values in later deploys.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from peluit.config import Config, ConfigError, load_config
from peluit.edge import api_function as edge_api
from peluit.edge import pages as edge_pages
from peluit.edge.errors import EdgeError
from peluit.release import RELEASE_PATH, ReleaseError, parse_note, source_commit
from peluit.release.checks import check_release
from peluit.retention.policy import lock_days

from . import buckets, offline, preview, stack
from .aws import AwsClients, account_id
from .console import Console, confirmed
from .errors import DeployError
from .package import LambdaPackage, WheelProvider, build_lambda_package
from .release_log import check_log_options, publish_log
from .site import SiteBuilder, invalidate, publish_site
from .source import Source

DEFAULT_STACK = "peluit"
STACK_NAME = re.compile(r"^[a-z][a-z0-9-]{1,29}$")  # also the template's Prefix pattern
# Parameters `peluit deploy` sets itself on every deploy; the rest the operator may set.
MANAGED = frozenset(
    {"Prefix", "OrgName", "CaseBucketName", "StagingBucketName", "ArtifactBucket", "ArtifactKey"}
    | {edge_pages.PARAMETER, edge_api.PARAMETER}
    | {"NotifySender"}  # from [notifications]: the scan's function exists only with a sender
)
_ORG_NAME_MAX = 100
FORM_SCRIPTS = (
    "assets/peluit/form.js",
    "assets/peluit/worker.js",
    "assets/peluit/followup.js",
    "assets/peluit/followup-worker.js",
    "assets/peluit/stats.js",  # the public statistics page (docs/adr/0041)
)


def build_site_with_mkdocs(config_path: Path, out_dir: Path) -> None:
    """The real site build (`peluit.site.build.build_site`), its errors as DeployError."""
    try:
        build = importlib.import_module("peluit.site.build")
        errors = importlib.import_module("peluit.site.errors")
    except ImportError as exc:
        raise DeployError(f"cannot build the site: {exc}") from None
    site_error: type[Exception] = errors.SiteError
    try:
        build.build_site(config_path, out_dir)
    except (site_error, ConfigError) as exc:
        raise DeployError(f"building the site failed: {exc}") from None


@dataclass(frozen=True)
class DeployOptions:
    config_path: Path
    stack_name: str = DEFAULT_STACK
    yes: bool = False
    dry_run: bool = False
    parameters: Mapping[str, str] = field(default_factory=dict)
    release: Path | None = None  # the signed release (`peluit release sign`)
    log: Path | None = None  # the release log's folder (`peluit log init`), docs/adr/0039
    log_key: Path | None = None  # the release log's key file


@dataclass(frozen=True)
class DeployTools:
    clients: AwsClients
    console: Console
    source: Source
    wheels: WheelProvider | None = None  # None: the lock's wheels, cached (package.WheelCache)
    build_site: SiteBuilder = build_site_with_mkdocs
    waiting: stack.Waiting = stack.PATIENT


@dataclass(frozen=True)
class DeployResult:
    change_set: stack.ChangeSet
    executed: bool
    outputs: dict[str, str]
    published: int  # site files uploaded


def check_store(config: Config, region: str) -> str:
    """The case bucket, if the configuration's store is this region's S3; else why not."""
    store = config.store
    if store.kind != "s3" or not store.bucket:
        raise DeployError(
            'peluit deploy needs [store] kind = "s3" with a bucket name in the configuration '
            "(the functions read it)"
        )
    if store.endpoint_url is not None:
        raise DeployError(
            "store.endpoint_url is set: that configuration is for an S3-compatible store on your "
            "own premises, not for AWS (see the operator guide)"
        )
    if store.region != region:
        raise DeployError(
            f"store.region is {store.region} but the deploy targets {region}: the functions "
            "would sign upload URLs for the wrong region. Make them the same."
        )
    return store.bucket


def deploy(options: DeployOptions, tools: DeployTools) -> DeployResult:
    say = tools.console.say
    clients = tools.clients
    if not STACK_NAME.match(options.stack_name):
        raise DeployError("the stack name must be 2-30 lower-case letters, digits or '-'")
    config = _load(options.config_path)
    case_bucket = check_store(config, clients.region)
    account = account_id(clients)  # credentials and network checked before anything is built

    with tempfile.TemporaryDirectory(prefix="peluit-deploy-") as tmp:
        site_dir = Path(tmp) / "site"
        say("Building the site …")
        tools.build_site(options.config_path, site_dir)
        _check_site(site_dir)
        # Before anything is packaged, uploaded or changed: a release short of its signatures,
        # or not this very site, is refused (the dry run says so and previews the rest).
        note, refusal = _release(options, tools, config, site_dir)
        refusal = refusal or check_log_options(config, options.log, options.log_key)
        if refusal is not None and not options.dry_run:
            raise DeployError(f"refusing to deploy: {refusal}")
        say("Packaging the functions …")
        package = build_lambda_package(tools.source, options.config_path, tools.wheels)
        say(f"  {package.describe()}")

        artifacts = buckets.artifact_bucket_name(account, clients.region)
        if options.dry_run:
            pages = {
                edge_pages.PARAMETER: _site_pages(site_dir),
                # the edge's proof-of-work check asks what the API asks
                edge_api.PARAMETER: str(config.limits.pow_bits),
            }
            result = _dry_run(options, tools, config, case_bucket, artifacts, package, pages)
            if refusal is not None:
                raise DeployError(f"dry run: nothing was changed; a deploy would refuse: {refusal}")
            return result
        if note is not None:
            (site_dir / RELEASE_PATH).parent.mkdir(parents=True, exist_ok=True)
            (site_dir / RELEASE_PATH).write_bytes(note)
            if options.log is not None and options.log_key is not None:
                publish_log(config, options.log, options.log_key, note, site_dir, say)
        template_url = _upload_artifacts(tools, artifacts, package)
        template_keys = stack.template_parameters(clients.cloudformation, template_url)
        values = _parameter_values(options, config, case_bucket, artifacts, package, template_keys)
        values[edge_pages.PARAMETER] = _site_pages(site_dir)
        values[edge_api.PARAMETER] = str(config.limits.pow_bits)  # the edge asks what the API asks
        status = stack.stack_status(clients.cloudformation, options.stack_name)
        kind = stack.change_set_kind(status, options.stack_name)
        keep: list[str] = []
        if kind == "UPDATE":
            previous = stack.previous_parameters(clients.cloudformation, options.stack_name)
            keep = sorted((previous & template_keys) - set(values))
        say(f"Creating a change set ({kind}) for stack {options.stack_name} in {clients.region} …")
        change_set = stack.create_change_set(
            clients.cloudformation,
            options.stack_name,
            kind,
            template_url,
            stack.parameter_list(values, keep),
            tools.waiting,
        )
        say(stack.format_changes(change_set.changes))

        if not change_set.empty:
            if not options.yes and not confirmed(tools.console, "Apply these changes?"):
                _discard(clients, change_set)
                raise DeployError("not confirmed: nothing was changed (no terminal? use --yes)")
            say("Applying the changes (a new CloudFront distribution takes several minutes) …")
            stack.execute_change_set(clients.cloudformation, change_set, tools.waiting)

        outs = stack.outputs(clients.cloudformation, options.stack_name)
        published = _publish(tools, outs, site_dir)
    _report(tools.console, config, options.config_path, outs)
    return DeployResult(
        change_set, executed=not change_set.empty, outputs=outs, published=published
    )


def _load(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise DeployError(str(exc)) from None


def _release(
    options: DeployOptions, tools: DeployTools, config: Config, site_dir: Path
) -> tuple[bytes | None, str | None]:
    """The signed release to publish with the site, or why a deploy must refuse it."""
    say = tools.console.say
    if config.release is None:
        say(
            "WARNING: the configuration names no release signers ([release]): the site is "
            "published without a signed release (docs/operator-guide.md)"
        )
        return None, None
    if options.release is None:
        return None, (
            "no --release file: the configuration asks for a release signed by "
            f"{config.release.threshold} of {', '.join(config.release.signers)} "
            "(peluit release make, then peluit release sign)"
        )
    try:
        data = options.release.read_bytes()
        result = check_release(config, parse_note(data), site_dir, source_commit(tools.source.root))
    except (ReleaseError, OSError) as exc:
        return None, f"{options.release}: {exc}"
    say(f"Release: {result.describe()}; it is this site")
    return data, None


def _site_pages(site_dir: Path) -> str:
    """The built site's pages for the site's CloudFront Function (peluit/edge/pages.py)."""
    try:
        return edge_pages.parameter_value(edge_pages.site_pages(site_dir))
    except EdgeError as exc:
        raise DeployError(str(exc)) from None


def _check_site(site_dir: Path) -> None:
    """The report form's scripts are in the build (npm builds them, not mkdocs)."""
    for needed in FORM_SCRIPTS:
        if not (site_dir / needed).is_file():
            raise DeployError(
                f"the built site has no {needed}: build the form's scripts first "
                "(`npm ci && npm run build` in js/), then deploy again"
            )


def _dry_run(
    options: DeployOptions,
    tools: DeployTools,
    config: Config,
    case_bucket: str,
    artifacts: str,
    package: LambdaPackage,
    site_pages: Mapping[str, str],
) -> DeployResult:
    """Show what would change; create, upload and change nothing (see preview.py)."""
    clients, say = tools.clients, tools.console.say
    template = preview.load_template(tools.source.template.read_text(encoding="utf-8"))
    body = preview.inline_body(template)  # None: too big to send inline (deploy/offline.py)
    if body is None:
        keys = offline.parameter_keys(template)
        say(
            "The template is over CloudFormation's inline limit: the changes are compared "
            "offline with the deployed stack (replacement unknown; the deploy shows "
            "CloudFormation's own change set before it changes anything)."
        )
    else:
        keys = preview.template_parameters(clients.cloudformation, body)
    values = _parameter_values(options, config, case_bucket, artifacts, package, keys)
    values.update(site_pages)
    for line in preview.artifact_plan(clients.s3, artifacts, package.key, len(package.data)):
        say(line)
    say(f"Previewing the changes to stack {options.stack_name} in {clients.region} …")
    change_set = preview.dry_run(
        clients, options.stack_name, body, values, keys, tools.waiting, template
    )
    say(stack.format_changes(change_set.changes))
    say("Dry run: nothing was changed.")
    return DeployResult(change_set, executed=False, outputs={}, published=0)


def _upload_artifacts(tools: DeployTools, bucket: str, package: LambdaPackage) -> str:
    """Put the zip and the template in the artifacts bucket; the template's URL."""
    clients = tools.clients
    if buckets.ensure_artifact_bucket(clients.s3, bucket, clients.region):
        tools.console.say(f"Created the artifacts bucket {bucket} (private, encrypted).")
    buckets.upload_once(clients.s3, bucket, package.key, package.data, "application/zip")
    template = tools.source.template.read_bytes()
    key = f"templates/{hashlib.sha256(template).hexdigest()}.yaml"
    buckets.upload_once(clients.s3, bucket, key, template, "application/x-yaml")
    return buckets.object_url(bucket, clients.region, key)


def _parameter_values(
    options: DeployOptions,
    config: Config,
    case_bucket: str,
    artifacts: str,
    package: LambdaPackage,
    template_keys: set[str],
) -> dict[str, str]:
    for key in options.parameters:
        if key in MANAGED:
            raise DeployError(f"--parameter {key} is set by peluit deploy itself")
        if key not in template_keys:
            known = ", ".join(sorted(template_keys - MANAGED))
            raise DeployError(f"--parameter {key}: the template has no such parameter ({known})")
    return {
        "Prefix": options.stack_name,
        "OrgName": _plain(config.organisation.name.id)[:_ORG_NAME_MAX],
        "CaseBucketName": case_bucket,
        "StagingBucketName": str(config.store.staging_bucket_name),
        "ArtifactBucket": artifacts,
        "ArtifactKey": package.key,
        # each version locked for the shortest channel's retention_days (ADR 0046)
        "ObjectLockRetentionDays": str(lock_days(config)),
        "NotifySender": config.notifications.sender if config.notifications else "",
        **options.parameters,
    }


def _plain(text: str) -> str:
    """ASCII only: IAM and CloudFront descriptions refuse most other characters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").strip() or "Peluit"


def _discard(clients: AwsClients, change_set: stack.ChangeSet) -> None:
    """Delete an unexecuted change set, and the empty stack a CREATE change set made."""
    cfn = clients.cloudformation
    if not change_set.empty:
        stack.delete_change_set(cfn, change_set.stack_name, change_set.name)
    if change_set.kind == "CREATE":
        try:
            if stack.stack_status(cfn, change_set.stack_name) == "REVIEW_IN_PROGRESS":
                cfn.delete_stack(StackName=change_set.stack_name)
        except (BotoCoreError, ClientError) as exc:
            raise DeployError(f"removing the empty stack failed: {exc}") from None


def _publish(tools: DeployTools, outs: dict[str, str], site_dir: Path) -> int:
    missing = [k for k in ("SiteBucketName", "DistributionId", "SiteUrl") if k not in outs]
    if missing:
        raise DeployError(f"the stack has no output {', '.join(missing)}; is it a Peluit stack?")
    tools.console.say(f"Publishing the site to {outs['SiteBucketName']} …")
    files = publish_site(tools.clients.s3, outs["SiteBucketName"], site_dir)
    invalidate(tools.clients.cloudfront, outs["DistributionId"])
    return len(files)


def _report(console: Console, config: Config, config_path: Path, outs: dict[str, str]) -> None:
    site_url = outs["SiteUrl"]
    console.say(f"Site:        {site_url}")
    if "ApiUrl" in outs:
        console.say(f"API:         {outs['ApiUrl']}")
    console.say(f"Case bucket: {outs.get('CaseBucketName', config.store.bucket)}")
    console.say("CloudFront serves the new site within a few minutes (cache invalidated).")
    configured = str(config.organisation.site_url).rstrip("/")
    if configured != site_url.rstrip("/"):
        console.say(
            f"WARNING: organisation.site_url in {config_path} is {configured}, but the site is "
            f"served at {site_url.rstrip('/')}. site_url is the address people are given: set it "
            "to the address above, or give the stack SiteDomain and SiteCertificateArn (see "
            "docs/operator-guide.md), then deploy again."
        )
