"""The change set as the operator reads it before saying yes."""

from __future__ import annotations

import pytest

from peluit.deploy.errors import DeployError
from peluit.deploy.stack import Change, change_set_kind, format_changes, parameter_list

pytestmark = pytest.mark.unit


def test_changes_are_a_table_of_action_resource_type_and_replacement() -> None:
    table = format_changes(
        [
            Change("Add", "SiteBucket", "AWS::S3::Bucket", ""),
            Change("Modify", "PublicFunction", "AWS::Lambda::Function", "False"),
            Change("Modify", "Distribution", "AWS::CloudFront::Distribution", "Conditional"),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["ACTION", "RESOURCE", "TYPE", "REPLACEMENT"]
    assert lines[1].split() == ["Add", "SiteBucket", "AWS::S3::Bucket", "-"]
    assert lines[2].split() == ["Modify", "PublicFunction", "AWS::Lambda::Function", "no"]
    assert lines[3].split() == ["Modify", "Distribution", "AWS::CloudFront::Distribution", "maybe"]
    assert len({line.index(line.split()[2]) for line in lines}) == 1  # columns line up
    assert "WARNING" not in table


@pytest.mark.parametrize(
    "change",
    [
        Change("Modify", "CaseBucket", "AWS::S3::Bucket", "True"),
        Change("Remove", "CaseKey", "AWS::KMS::Key", ""),
    ],
)
def test_replacing_or_removing_the_case_bucket_or_key_is_called_out(change: Change) -> None:
    assert f"WARNING: {change.logical_id} would be removed or replaced" in format_changes([change])


def test_an_empty_change_set_says_so() -> None:
    assert format_changes([]) == "No infrastructure changes."


@pytest.mark.parametrize(
    ("status", "kind"),
    [(None, "CREATE"), ("REVIEW_IN_PROGRESS", "CREATE"), ("UPDATE_COMPLETE", "UPDATE")],
)
def test_change_set_kind_follows_the_stack(status: str | None, kind: str) -> None:
    assert change_set_kind(status, "peluit") == kind


@pytest.mark.parametrize("status", ["ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS", "DELETE_FAILED"])
def test_a_broken_or_busy_stack_is_not_changed(status: str) -> None:
    with pytest.raises(DeployError, match=status):
        change_set_kind(status, "peluit")


def test_parameters_not_given_keep_their_previous_values() -> None:
    assert parameter_list({"Prefix": "peluit"}, ["ObjectLockMode"]) == [
        {"ParameterKey": "Prefix", "ParameterValue": "peluit"},
        {"ParameterKey": "ObjectLockMode", "UsePreviousValue": True},
    ]
