"""GET /api/predictions.csv: the CSV export (import format), streamed, with the list filters."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from forecasts.api import examples as ex
from forecasts.api.filters import PredictionFilter
from forecasts.api.permissions import MethodCheckedFirst
from forecasts.api.schema import LedgerAutoSchema
from forecasts.api.serializers import ErrorSerializer, PredictionSerializer
from forecasts.services.transfer import csv_export


class CSVRenderer(renderers.BaseRenderer):
    """Lets `Accept: text/csv` through; errors are still written as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return json.dumps(data, default=str).encode()


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(predictions) -> Iterator[str]:
    writer = csv.DictWriter(Echo(), fieldnames=csv_export.EXPORT_COLUMNS)
    yield writer.writeheader()
    for row in csv_export.export_rows(predictions):
        yield writer.writerow(row)


EXAMPLE_ROW = (
    "Vera Ostrova,Will the Harbour Bridge toll be abolished by 31 December 2027?,2027-12-31,"
    '70%,2026-03-02,,"YES if the toll is no longer charged on 31 December 2027, '
    "according to the city's official notices; NO otherwise.\","
    "https://harbour-gazette.example/2026/03/bridge-toll,"
    "Bridge toll on borrowed time,Transport,"
    "I put it at 70% that the toll goes before the end of 2027.,,,,0.35,"
    "2026-03-02T11:24:00+00:00,,,\r\n"
)


class PredictionExportView(MethodCheckedFirst, GenericAPIView):
    schema = LedgerAutoSchema()
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    serializer_class = PredictionSerializer  # for the filter parameters in the schema
    filterset_class = PredictionFilter
    search_fields = ["quote", "phrase", "question__title", "expert__name"]

    def get_queryset(self):
        return csv_export.exportable_predictions()

    @extend_schema(
        operation_id="predictions_export_csv",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Columns: " + ", ".join(csv_export.EXPORT_COLUMNS) + ".",
                examples=[
                    OpenApiExample(
                        "One prediction",
                        value=",".join(csv_export.EXPORT_COLUMNS) + "\r\n" + EXAMPLE_ROW,
                        summary="The header line, then one line per prediction",
                    )
                ],
            ),
            404: OpenApiResponse(ErrorSerializer, description="`format` is neither csv nor json."),
        },
        description="Current predictions as CSV in the import format (manage.py "
        "import_predictions reads it back), streamed, filtered like GET /api/predictions/. Open "
        "to everyone. A 400 (JSON) means a filter value is not valid.",
        examples=[ex.BAD_FILTER],
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        predictions = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(csv_lines(predictions), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="predictions.csv"'
        return response
