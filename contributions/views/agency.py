"""Agency endpoints: import a CSV of employer declarations, and read an import back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import ApplicationError
from api.permissions import IsAgencyStaff
from api.schema import problem
from contributions import selectors, services
from contributions.error_codes import ContributionErrorCode as Code
from contributions.serializers import (
    DeclarationOutputSerializer,
    ImportJobOutputSerializer,
    ImportQuerySerializer,
    import_job_body,
)

MAX_KEY_LENGTH = 200


class CSVBodyParser(BaseParser):
    """A ``text/csv`` request body, handed over as bytes."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return stream.read() if stream is not None else b""


def _uploaded_bytes(request: Request) -> tuple[bytes, str]:
    limit = settings.CONTRIBUTIONS_IMPORT_MAX_BYTES
    if isinstance(request.data, bytes):
        content, name = request.data, ""
    else:
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Attach the CSV as the field 'file'.")]})
        if upload.size is not None and upload.size > limit:
            raise _too_large(limit)
        content, name = upload.read(), upload.name or ""
    if len(content) > limit:
        raise _too_large(limit)
    return content, name


def _too_large(limit: int) -> ApplicationError:
    return ApplicationError(
        code=Code.IMPORT_FILE_TOO_LARGE,
        detail=_("The file is larger than {limit} bytes.").format(limit=limit),
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


class DeclarationImportApi(APIView):
    permission_classes = [IsAgencyStaff]
    parser_classes = [MultiPartParser, CSVBodyParser]

    @extend_schema(
        operation_id="agency_imports_create",
        summary="Import employer declarations (CSV)",
        description=(
            "A CSV file, as multipart field `file` or as a `text/csv` body. All or nothing "
            "unless `partial=true`; 422 `import_invalid` lists every error by row and field. "
            "The same file or the same `Idempotency-Key` again answers 200 with the first import. "
            "With `async=true` a worker runs the import: 202 with a job to poll."
        ),
        parameters=[
            ImportQuerySerializer,
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
            ),
        ],
        request={
            "multipart/form-data": OpenApiRequest(
                {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            ),
            "text/csv": OpenApiRequest({"type": "string", "format": "binary"}),
        },
        responses={
            201: DeclarationOutputSerializer,
            200: DeclarationOutputSerializer,
            202: ImportJobOutputSerializer,
            400: problem("`invalid`, `import_empty` or `import_file_unreadable`."),
            409: problem("`idempotency_key_reused`: the key came with another file."),
            413: problem("`import_file_too_large`."),
            422: problem(
                "`import_invalid`: nothing was written; `errors` lists "
                "`{row, field, code, detail}` per problem."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > MAX_KEY_LENGTH:
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("At most {limit} characters.").format(limit=MAX_KEY_LENGTH)]}
            )
        content, name = _uploaded_bytes(request)
        if query.validated_data["async"]:
            job = services.import_job_create(
                content=content,
                file_name=name,
                idempotency_key=key,
                partial=query.validated_data["partial"],
                acting_user=request.user,  # type: ignore[arg-type]  # IsAgencyStaff
            )
            return Response(import_job_body(job), status=status.HTTP_202_ACCEPTED)
        result = services.declaration_import(
            content=content,
            file_name=name,
            idempotency_key=key,
            partial=query.validated_data["partial"],
            acting_user=request.user,  # type: ignore[arg-type]  # IsAgencyStaff
        )
        body = DeclarationOutputSerializer(result.declaration).data
        body["replayed"] = result.replayed
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        return Response(body, status=code)


class DeclarationDetailApi(APIView):
    permission_classes = [IsAgencyStaff]

    @extend_schema(
        operation_id="agency_imports_retrieve", responses={200: DeclarationOutputSerializer}
    )
    def get(self, request: Request, declaration_id: int) -> Response:
        declaration = selectors.declaration_get(declaration_id=declaration_id)
        if declaration is None:
            raise Http404
        body = DeclarationOutputSerializer(declaration).data
        body["replayed"] = False
        return Response(body)


class ImportJobDetailApi(APIView):
    permission_classes = [IsAgencyStaff]

    @extend_schema(
        operation_id="agency_import_jobs_retrieve", responses={200: ImportJobOutputSerializer}
    )
    def get(self, request: Request, job_id: Any) -> Response:
        job = selectors.import_job_get(job_id=job_id)
        if job is None:
            raise Http404
        return Response(import_job_body(job))
