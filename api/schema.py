"""The OpenAPI schema, generated from the code so that every operation documents its errors.

``ProblemAutoSchema`` (``DEFAULT_SCHEMA_CLASS``) looks at each view and adds what a generated
client needs without any per-view annotation:

- every error status the view can answer, as ``application/problem+json`` with the shared
  ``Problem`` component: 400 and 415 when it reads a body or query parameters, 401 unless it is
  public, 403 when a role or object permission applies, 404 when the path names an object or the
  list pages (an unknown cursor or page), 429 (with ``Retry-After``) when a throttle applies,
  plus any status a view declares with a description only (``409: OpenApiResponse(...)``);
- no security requirement on public operations (``AllowAny`` or no authentication);
- the list envelope ``{next, previous, results}`` (``count`` for page numbers) for views that
  declare a ``pagination_class`` and answer ``many=True``, with its query parameters;
- ``ETag`` on 200, ``If-None-Match`` and 304 for views that send validators (``ETagMixin``);
- ``format: uuid`` on path ids (``<str:..._id>`` segments), which are UUIDs by convention.

The schema is built in English whatever the request's ``Accept-Language``, so two clients that
fetch it get the same bytes; answers themselves stay translated.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

from api.caching import ETagMixin
from api.exceptions import PROBLEM_CONTENT_TYPE
from api.throttles import FAIL_CLOSED_SCOPES

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# Default descriptions of the problems each status stands for; ``code`` values in backticks.
ERROR_DESCRIPTIONS: dict[str, str] = {
    "400": "`invalid` (field errors in `errors`) or `parse_error` (malformed JSON).",
    "401": "`not_authenticated`, `authentication_failed` or `token_not_valid`.",
    "403": "`permission_denied`: the account's role may not do this.",
    "404": "`not_found`: no such object for this account (someone else's id is 404 too), "
    "or an unknown cursor or page.",
    "406": "`not_acceptable`: none of the media types in `Accept` can be served.",
    "413": "The body is too large.",
    "415": "`unsupported_media_type`: the body is not in a media type listed for this operation.",
    "429": "`throttled`: too many requests; `retry_after` and the `Retry-After` header say "
    "when to try again.",
    "503": "`service_unavailable`: a safeguard of this operation (its rate limit or a daily "
    "cap) cannot be checked just now, so it is refused rather than let through; "
    "`retry_after` and the `Retry-After` header say when to try again.",
}

RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
    }
}
ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Validator of this answer: send it back as `If-None-Match`.",
        "required": True,
    }
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "schema": {"type": "string"},
    "description": "The `ETag` of an earlier answer: 304 without a body when nothing changed.",
}

_OPEN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated)


def problem(description: str) -> OpenApiResponse:
    """A business error a view answers (``responses={409: problem("`code`: ...")}``): it is
    documented as ``application/problem+json`` with the ``Problem`` component."""
    return OpenApiResponse(description=description)


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field, dotted for nested ones.")
    code = serializers.CharField(help_text="Stable machine code of this field's error.")
    detail = serializers.CharField(help_text="The message, in the request's language.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every error of the API is answered."""

    type = serializers.CharField(help_text="`urn:vss:error:<code>`.")
    title = serializers.CharField(help_text="The status' title, in the request's language.")
    status = serializers.IntegerField(help_text="The HTTP status.")
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.CharField(help_text="Stable machine code: clients switch on it.")
    errors_ = ProblemFieldErrorSerializer(many=True, help_text="Field errors; may be empty.")
    retry_after = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Seconds until the request may succeed (throttled, locked accounts).",
    )

    class Meta:
        ref_name = "Problem"

    def get_fields(self) -> dict[str, serializers.Field]:
        # ``errors`` is a Serializer attribute: declared as ``errors_``, named here.
        fields = super().get_fields()
        return {"errors" if name == "errors_" else name: f for name, f in fields.items()}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}},
    }


class ProblemAutoSchema(AutoSchema):
    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: Any,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self.resolve_serializer(ProblemSerializer, "response")  # registers the component
        if self._is_public():
            operation.pop("security", None)
        self._type_path_ids(operation)
        self._add_problems(operation)
        if isinstance(self.view, ETagMixin) and self.method == "GET":
            self._add_validators(operation)
        return operation

    def _get_pagination_parameters(self) -> list[dict[str, Any]]:
        # Any GET of a view that declares a paginator pages, whether its response is declared
        # as ``many=True`` (wrapped in the envelope here) or as an envelope serializer.
        if not self._paginated():
            return []
        paginator = self._get_paginator()
        return list(paginator.get_schema_operation_parameters(self.view))

    def _is_public(self) -> bool:
        if not self.view.get_authenticators():
            return True
        return any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _has_specific_permission(self) -> bool:
        return any(type(p) not in _OPEN_PERMISSIONS for p in self.view.get_permissions())

    def _type_path_ids(self, operation: dict[str, Any]) -> None:
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path" or not parameter["name"].endswith("_id"):
                continue
            schema = parameter["schema"]
            if schema.get("type") == "string" and "format" not in schema:
                schema["format"] = "uuid"

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        has_query = any(p["in"] == "query" for p in parameters)
        statuses = []
        if has_body or has_query:
            statuses.append("400")
        if not self._is_public():
            statuses.append("401")
        if self._has_specific_permission():
            statuses.append("403")
        names_object = any(
            p["in"] == "path" or p["schema"].get("format") == "uuid" for p in parameters
        )
        if names_object or self._paginated():
            statuses.append("404")
        if has_body:
            statuses.append("415")
        if len(self.view.get_renderers()) > 1:
            statuses.append("406")  # the answer is negotiated: Accept or ?format= may refuse
        if self.view.get_throttles():
            statuses.append("429")
            scopes = {
                getattr(self.view, "throttle_scope", None),
                getattr(self.view, "typed_throttle_scope", None),
            }
            if scopes & FAIL_CLOSED_SCOPES:  # refused while the cache is unreachable
                statuses.append("503")
        return statuses

    def _paginated(self) -> bool:
        return self.method == "GET" and getattr(self.view, "pagination_class", None) is not None

    def _add_problems(self, operation: dict[str, Any]) -> None:
        responses = operation["responses"]
        for status in self._error_statuses(operation):
            responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
        for status, response in responses.items():
            if not status.startswith(("4", "5")):
                continue
            description = response.get("description") or ERROR_DESCRIPTIONS.get(status, "")
            response.clear()
            response.update(_problem_response(description))
            if status in ("423", "429"):
                response["headers"] = dict(RETRY_AFTER_HEADER)

    def _add_validators(self, operation: dict[str, Any]) -> None:
        operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
        ok = operation["responses"].get("200")
        if ok is not None:
            ok.setdefault("headers", {}).update(ETAG_HEADER)
        operation["responses"]["304"] = {
            "description": "Not modified: the `If-None-Match` validator still matches.",
            "headers": dict(ETAG_HEADER),
        }
