"""A Powertools HTTP API resolver that keeps the request it is resolving on itself.

Powertools' `resolve` stores the event and the Lambda context on its `BaseRouter` class
(`BaseRouter.current_event = ...`), one slot for every resolver of the process, and routing, the
request validation (path parameters, body) and the handlers then read it back from there. In
Lambda one process handles one event at a time, so that is enough. `peluit serve` resolves
requests side by side on resolvers of their own (serve/lanes.py, ADR 0051): with the class's
slot, a request routed on one resolver could have its body read from another thread's request
(one reporter's report finalized under another's submission id: `bad_signature`, or someone
else's receipt), and a reviewer's verified signature could carry another reviewer's request.
Here each resolver keeps its own request, so resolvers that do not share a request do not share
an event either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext


class OwnEventResolver(APIGatewayHttpResolver):
    """`APIGatewayHttpResolver` whose `current_event` and `lambda_context` belong to the
    instance (one request at a time per instance), not to Powertools' shared class slot."""

    _own_event: APIGatewayProxyEventV2 | None = None
    _own_context: LambdaContext | None = None

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        # Taken before Powertools writes its class slot; everything it reads goes through
        # `self.current_event`, which the properties below answer from this instance.
        self._own_event = cast(APIGatewayProxyEventV2, self._to_proxy_event(dict(event)))
        self._own_context = context
        return super().resolve(event, context)

    @property  # type: ignore[override]
    def current_event(self) -> APIGatewayProxyEventV2:
        if self._own_event is None:
            raise RuntimeError("no request is being resolved")
        return self._own_event

    @current_event.setter
    def current_event(self, value: APIGatewayProxyEventV2) -> None:
        self._own_event = value

    @property
    def lambda_context(self) -> LambdaContext:
        if self._own_context is None:
            raise RuntimeError("no request is being resolved")
        return self._own_context

    @lambda_context.setter
    def lambda_context(self, value: LambdaContext) -> None:
        self._own_context = value
