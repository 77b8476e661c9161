"""Track records and the leaderboard: precomputed figures, read through forecasts.selectors."""

import calendar
import datetime as dt
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from forecasts import selectors
from forecasts.api import examples as ex
from forecasts.api.filters import RECORD_SCOPES, TrackRecordFilter
from forecasts.api.permissions import MethodCheckedFirst
from forecasts.api.schema import LedgerAutoSchema
from forecasts.api.serializers import ExpertRefSerializer, TopicSerializer
from forecasts.models import Topic, TrackRecord


class CalibrationBinSerializer(serializers.Serializer):
    lower = serializers.FloatField()
    upper = serializers.FloatField()
    count = serializers.IntegerField()
    mean_forecast = serializers.FloatField(help_text="Mean of the actual forecasts in the bin.")
    observed_rate = serializers.FloatField()
    ci_low = serializers.FloatField(allow_null=True, help_text="Wilson 95% interval, low end.")
    ci_high = serializers.FloatField(allow_null=True, help_text="Wilson 95% interval, high end.")


class MurphySerializer(serializers.Serializer):
    """Brier = reliability − resolution + uncertainty + within_bin_variance − covariance."""

    reliability = serializers.FloatField(allow_null=True)
    resolution = serializers.FloatField(allow_null=True)
    uncertainty = serializers.FloatField(allow_null=True)
    within_bin_variance = serializers.FloatField(allow_null=True)
    within_bin_covariance = serializers.FloatField(allow_null=True)


class TrackRecordSerializer(serializers.ModelSerializer):
    """docs/scoring.md's figures over resolved, scored forecasts. Brier in its 0..1 form."""

    calibration = CalibrationBinSerializer(many=True, read_only=True)
    murphy = MurphySerializer(read_only=True)
    provisional = serializers.SerializerMethodField(
        help_text="Fewer resolved forecasts than the leaderboard's minimum: listed, not ranked."
    )
    hindsight_share = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Share of the expert's scored forecasts that are hindsight: recorded on or "
        "after the question's deadline or first resolution (docs/scoring.md). null before any.",
    )

    class Meta:
        model = TrackRecord
        fields = [
            "resolved_count",
            "hindsight_share",
            "brier",
            "log_score",
            "brier_skill",
            "base_rate_skill",
            "hit_rate",
            "hit_rate_low",
            "hit_rate_high",
            "hit_count",
            "hit_n",
            "ranking_score",
            "provisional",
            "peer_mean",
            "peer_count",
            "consensus_relative_mean",
            "consensus_count",
            "yield_score",
            "calibration",
            "murphy",
            "last_resolved_on",
            "scoring_version",
        ]

    def get_provisional(self, record: TrackRecord) -> bool:
        return record.resolved_count < settings.RANKING_MIN_RESOLVED


class TopicTrackRecordSerializer(TrackRecordSerializer):
    topic = TopicSerializer(read_only=True)

    class Meta(TrackRecordSerializer.Meta):
        fields = ["topic", *TrackRecordSerializer.Meta.fields]


class ExpertTrackRecordSerializer(TrackRecordSerializer):
    expert = ExpertRefSerializer(read_only=True)
    topic = TopicSerializer(read_only=True, allow_null=True, help_text="null: over all topics.")
    record = serializers.SerializerMethodField(
        help_text="`all`: over every scored forecast; `prospective`: over prospective ones only."
    )

    class Meta(TrackRecordSerializer.Meta):
        fields = ["expert", "topic", "record", *TrackRecordSerializer.Meta.fields]

    @extend_schema_field(serializers.ChoiceField(choices=RECORD_SCOPES))
    def get_record(self, record: TrackRecord) -> str:
        return "prospective" if record.prospective_only else "all"


def empty_track_record(*, prospective_only: bool = False, hindsight_count: int = 0) -> TrackRecord:
    """The figures of an expert with nothing resolved yet: n = 0 and nulls (docs/scoring.md E11)."""
    return TrackRecord(
        scoring_version=settings.SCORING_VERSION,
        prospective_only=prospective_only,
        hindsight_count=hindsight_count,
    )


@extend_schema_view(
    list=extend_schema(
        description="Every stored track record, 50 a page: per expert over all topics (topic "
        "null) and per topic; figures as in docs/scoring.md, Brier in its 0..1 form. Open to "
        "everyone. Filter by `expert` (slug) and `topic` (slug, or `overall`); order by "
        "`ranking_score`, `brier` or `resolved_count`. A 400 means a filter value is not valid.",
        examples=[
            ex.response(
                "Overall",
                {"expert": ex.EXPERT_REF, "topic": None, "record": "all", **ex.TRACK_RECORD},
                summary="Vera Ostrova over all topics",
            ),
            ex.error(
                "400",
                "Unknown expert",
                "expert: Select a valid choice. That choice is not one of the available choices.",
                {
                    "expert": [
                        "Select a valid choice. That choice is not one of the available choices."
                    ]
                },
            ),
        ],
    )
)
class TrackRecordViewSet(MethodCheckedFirst, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every stored track record: per expert overall (topic null) and per topic."""

    schema = LedgerAutoSchema()
    queryset = TrackRecord.objects.select_related("expert", "topic").order_by(
        "expert__name", "expert_id", "topic__name"
    )
    serializer_class = ExpertTrackRecordSerializer
    filterset_class = TrackRecordFilter
    ordering_fields = ["ranking_score", "brier", "resolved_count"]


# --- The leaderboard ----------------------------------------------------------------------

PERIOD = re.compile(r"^(?P<count>\d{1,3})(?P<unit>[dmy])$")


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


# The leaderboard is a ranking: `ordering` takes its one order, so that a client asking for
# another is told (a 400) instead of getting the ranking as if it had been sorted.
LEADERBOARD_ORDERINGS = ["rank"]


class LeaderboardQuerySerializer(serializers.Serializer):
    topic = serializers.SlugField(required=False, help_text="Only questions of this topic (slug).")
    min_resolved = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100000,
        help_text="Resolved forecasts needed to be ranked (default from settings, 5).",
    )
    period = serializers.CharField(
        required=False,
        help_text="Resolved within the last 30d, 12m, 2y… (by resolution date); or from/to.",
    )
    record = serializers.ChoiceField(
        choices=["all", "prospective"],
        default="all",
        help_text="`all` (default): rank on every scored forecast; `prospective`: only on "
        "forecasts recorded before their question's deadline and first resolution.",
    )
    ordering = serializers.ChoiceField(
        choices=LEADERBOARD_ORDERINGS,
        required=False,
        allow_blank=True,
        help_text="`rank` (the only order, and the default): ranked experts by ranking_score, "
        "then provisional ones. Any other value is a 400, as on every list.",
        error_messages={
            "invalid_choice": f"Order by one of: {', '.join(LEADERBOARD_ORDERINGS)} "
            "(got '{input}')."
        },
    )
    start = serializers.DateField(
        required=False, help_text="Resolved on or after this date (YYYY-MM-DD)."
    )
    end = serializers.DateField(
        required=False, help_text="Resolved on or before this date (YYYY-MM-DD)."
    )

    def get_fields(self) -> dict:
        fields = super().get_fields()
        # `from` is a Python keyword, so the fields are declared as start/end and renamed.
        fields["from"], fields["to"] = fields.pop("start"), fields.pop("end")
        return fields

    def validate_topic(self, slug: str) -> Topic:
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            raise serializers.ValidationError(f"No topic {slug!r}: see GET /api/topics/.")
        return topic

    def validate_period(self, value: str) -> dt.date:
        match = PERIOD.match(value.strip().lower())
        if not match or int(match["count"]) == 0:
            raise serializers.ValidationError(
                f"{value!r} is not a period: use e.g. 30d, 12m or 2y, or start/end dates."
            )
        count, today = int(match["count"]), timezone.localdate()
        if match["unit"] == "d":
            return today - dt.timedelta(days=count)
        return months_before(today, count * (12 if match["unit"] == "y" else 1))

    def validate(self, attrs: dict) -> dict:
        starts = [d for d in (attrs.get("period"), attrs.get("from")) if d]
        start, end = (max(starts) if starts else None), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"to": "`to` comes before the period's start."})
        attrs["range"] = (start, end) if start or end else None
        return attrs


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True,
        help_text="1 is best. null for provisional experts (fewer resolved forecasts than "
        "min_resolved), who are listed after every ranked expert.",
    )
    expert = ExpertRefSerializer()
    resolved_count = serializers.IntegerField()
    brier = serializers.FloatField(allow_null=True, help_text="Mean Brier score, 0..1 form.")
    log_score = serializers.FloatField(allow_null=True, help_text="Mean ln q (≤ 0, nats).")
    brier_skill = serializers.FloatField(allow_null=True)
    hit_rate = serializers.FloatField(allow_null=True)
    hit_rate_low = serializers.FloatField(allow_null=True, help_text="Wilson 95%, low end.")
    hit_rate_high = serializers.FloatField(allow_null=True, help_text="Wilson 95%, high end.")
    ranking_score = serializers.FloatField(
        help_text="(Σ brier + k·μ₀) / (n + k): ranked ascending, lower is better."
    )
    peer_mean = serializers.FloatField(allow_null=True)
    consensus_relative_mean = serializers.FloatField(allow_null=True)
    provisional = serializers.BooleanField()
    hindsight_share = serializers.FloatField(
        allow_null=True,
        help_text="Share of the expert's scored forecasts (all of them, whichever record is "
        "ranked) that are hindsight (docs/scoring.md). null when the expert has none scored.",
    )


class LeaderboardView(MethodCheckedFirst, GenericAPIView):
    """Ranked experts first (by ranking_score), then provisional experts with rank null."""

    schema = LedgerAutoSchema()
    serializer_class = LeaderboardRowSerializer
    filter_backends: list = []
    # Rows are ranked in SQL by selectors.leaderboard, not from a queryset; the browsable API
    # (a browser asking for text/html) still asks for one to build its filter form.
    queryset = TrackRecord.objects.none()

    @extend_schema(
        parameters=[LeaderboardQuerySerializer],
        responses=LeaderboardRowSerializer(many=True),
        operation_id="leaderboard",
        description="Experts ranked by ranking_score (lower is better), 50 a page; experts "
        "with fewer resolved forecasts than `min_resolved` follow as provisional, rank null. "
        "Narrow it to a `topic` and to questions resolved in a `period` (30d, 12m, 2y) or "
        "between `from` and `to`; `record=prospective` ranks on prospective forecasts only "
        "(docs/scoring.md: hindsight). Open to everyone. A 400 means a parameter is not valid "
        "(an unknown topic, a period like 3w, `to` before the start, an `ordering` other "
        "than `rank`).",
        examples=[
            ex.response("Ranked", ex.LEADERBOARD_ROW, summary="Vera Ostrova, first"),
            ex.response(
                "Provisional",
                ex.LEADERBOARD_ROW | {"rank": None, "resolved_count": 2, "provisional": True},
                summary="Listed after every ranked expert",
            ),
            ex.error(
                "400",
                "Bad period",
                "period: '3w' is not a period: use e.g. 30d, 12m or 2y, or start/end dates.",
                {"period": ["'3w' is not a period: use e.g. 30d, 12m or 2y, or start/end dates."]},
            ),
        ],
    )
    def get(self, request: Request) -> HttpResponse:
        # The same payload for everyone: JSON kept up to a minute under the data version.
        key = None
        if request.accepted_renderer.format == "json":
            key = selectors.leaderboard_cache_key(
                "api", request.build_absolute_uri(), timezone.localdate()
            )
            content = cache.get(key)
            if content is not None:
                return HttpResponse(content, content_type=request.accepted_media_type)
        query = LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = selectors.BoardFilters(
            topic=query.validated_data.get("topic"),
            min_resolved=query.validated_data.get("min_resolved"),
            period=query.validated_data["range"],
            prospective=query.validated_data["record"] == "prospective",
        )
        # Ranked in SQL; only the requested page of 50 is read (`?page=N`).
        page = self.paginate_queryset(board.rows("all"))
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if key:
            content = request.accepted_renderer.render(
                response.data, request.accepted_media_type, self.get_renderer_context()
            )
            cache.set(key, content, selectors.RESPONSE_CACHE_SECONDS)
        return response
