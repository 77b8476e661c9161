"""The record over HTTP: experts, sources, topics, questions, predictions, verdicts.

Views check roles and input shapes, then call the same services as the admin, so every
integrity rule (versioned corrections, revisions with reasons, quorum) holds identically.
List querysets join or prefetch what their serializers read: a fixed number of queries.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from forecasts import selectors, services
from forecasts.api import inputs, openapi, openapi_records
from forecasts.api import serializers as s
from forecasts.api.filters import (
    ExpertFilter,
    PredictionFilter,
    QuestionFilter,
    ReviewFilter,
    SourceFilter,
)
from forecasts.api.idempotency import takes_idempotency_key
from forecasts.api.permissions import (
    CanCorrectPredictions,
    EditorOrReadOnly,
    IsReviewer,
    MethodCheckedFirst,
)
from forecasts.api.scores import (
    TopicTrackRecordSerializer,
    TrackRecordSerializer,
    empty_track_record,
)
from forecasts.api.search import SearchPlanningMixin
from forecasts.models import Expert, Prediction, Question, Review, Source, Topic
from forecasts.selectors.similar import similar_questions
from forecasts.services.reviews import verdicts as reviews

PREDICTION_IS_A_RECORD = (
    "published predictions are a record; POST /api/predictions/{id}/corrections/ with reason "
    "and the fields that change."
)


def created(request: Request, data: Any, view_name: str, **kwargs: Any) -> Response:
    """A 201 with `Location`: the URL of the record created."""
    location = request.build_absolute_uri(reverse(f"api:{view_name}", kwargs=kwargs))
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class LedgerViewSet(MethodCheckedFirst, viewsets.GenericViewSet):
    permission_classes = [EditorOrReadOnly]
    # Ids the database can hold; anything else is a JSON 404 from the catch-all route.
    lookup_value_regex = "[0-9]{1,15}"

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # List filters narrow lists; a record's own URL finds it whatever they would say.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


# --- Experts ------------------------------------------------------------------------------


class ExpertDetailSerializer(s.ExpertSerializer):
    track_record = TrackRecordSerializer(
        read_only=True,
        help_text="Over all topics and every scored forecast; resolved_count 0 and nulls "
        "before any.",
    )
    prospective_track_record = TrackRecordSerializer(
        read_only=True,
        help_text="The same figures over prospective forecasts only: recorded before the "
        "question's deadline and first resolution (docs/scoring.md, hindsight).",
    )
    track_record_by_topic = TopicTrackRecordSerializer(many=True, read_only=True)
    revisions = s.DetailsRevisionSerializer(
        many=True,
        read_only=True,
        help_text="Versions of these details, oldest first; empty until the first change.",
    )

    class Meta(s.ExpertSerializer.Meta):
        fields = [
            *s.ExpertSerializer.Meta.fields,
            "track_record",
            "prospective_track_record",
            "track_record_by_topic",
            "revisions",
        ]


@extend_schema_view(**openapi.EXPERTS)
class ExpertViewSet(
    SearchPlanningMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Expert.objects.all()
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = ExpertFilter
    search_fields = ["name", "aliases", "affiliation"]  # see selectors.search.search_experts
    ordering_fields = ["name", "created_at"]

    def get_serializer_class(self) -> type:
        return ExpertDetailSerializer if self.action == "retrieve" else s.ExpertSerializer

    def get_queryset(self) -> QuerySet:
        # Merged experts keep their row (and URL, which redirects) but leave the lists.
        experts = Expert.objects.all()
        return experts.filter(merged_into__isnull=True) if self.action == "list" else experts

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        if found.merged_into_id is not None:
            survivor = selectors.surviving_expert(found)
            url = reverse("api:expert-detail", args=[survivor.slug], request=request)
            return Response(
                {"detail": f"{found.name} was merged into {survivor.name}.", "url": url},
                status=status.HTTP_301_MOVED_PERMANENTLY,
                headers={"Location": url},
            )
        record = selectors.expert_record(found)
        expert = record.expert
        expert.track_record = record.overall or empty_track_record()
        expert.prospective_track_record = record.prospective or empty_track_record(
            prospective_only=True, hindsight_count=expert.track_record.hindsight_count
        )
        expert.track_record_by_topic = record.by_topic
        return Response(ExpertDetailSerializer(expert).data)

    @takes_idempotency_key
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = s.ExpertSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = {k: v for k, v in writer.validated_data.items() if k != "reason"}
        expert, is_new = services.get_or_create_expert(**data)
        body = s.ExpertSerializer(expert).data
        if not is_new:
            return Response(body)
        return created(request, body, "expert-detail", slug=expert.slug)

    def perform_update(self, serializer: s.ExpertSerializer) -> None:
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        serializer.instance = services.edit_expert(
            serializer.instance, changed_by=self.request.user, reason=reason, **data
        )


# --- Sources and topics -------------------------------------------------------------------


@extend_schema_view(**openapi.SOURCES)
class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Source.objects.all()
    serializer_class = s.SourceSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "outlet", "url"]
    ordering_fields = ["published_on", "created_at"]

    @takes_idempotency_key
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._valid(inputs.SourceWriteSerializer(data=request.data))
        data = {k: v for k, v in data.items() if k != "reason"}  # for updates only
        started = timezone.now()
        source = services.get_or_create_source(**{"title": "", **data})
        body = s.SourceSerializer(source).data
        if source.created_at < started:
            return Response(body)
        return created(request, body, "source-detail", pk=source.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # With its versions, as an expert's: a changed date or URL was on record but shown
        # nowhere (found by a QA pass).
        return Response(s.SourceDetailSerializer(self.get_object()).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.get_object()
        partial = kwargs.get("partial", False)
        writer = inputs.SourceWriteSerializer(source, data=request.data, partial=partial)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        reason = data.pop("reason", "")
        source = services.edit_source(source, changed_by=request.user, reason=reason, **data)
        return Response(s.SourceSerializer(source).data)

    @staticmethod
    def _valid(serializer: Any) -> dict:
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(**openapi.TOPICS)
class TopicViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, LedgerViewSet
):
    queryset = Topic.objects.all()
    serializer_class = s.TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    search_fields = ["name"]
    ordering_fields = ["name"]

    @takes_idempotency_key
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = s.TopicSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        name = writer.validated_data["name"]
        known = Topic.objects.filter(name__iexact=" ".join(name.split())).exists()
        topic = services.get_or_create_topic(name=name)
        body = s.TopicSerializer(topic).data
        if known:
            return Response(body)
        return created(request, body, "topic-detail", slug=topic.slug)


# --- Questions ----------------------------------------------------------------------------


@extend_schema_view(**openapi_records.QUESTIONS)
class QuestionViewSet(
    SearchPlanningMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Question.objects.all()
    serializer_class = s.QuestionSerializer
    filterset_class = QuestionFilter
    search_fields = ["title", "resolution_criteria"]
    ordering_fields = ["deadline", "created_at", "resolved_at"]

    def get_queryset(self) -> QuerySet:
        return (
            Question.objects.prefetch_related("topics")
            .annotate(prediction_count=selectors.current_prediction_count())
            .order_by("deadline", "id")
        )

    def get_object(self) -> Question:
        try:
            question = selectors.question_detail(int(self.kwargs["pk"]))
        except (Question.DoesNotExist, ValueError):
            raise Http404 from None
        self.check_object_permissions(self.request, question)
        return question

    def _detail(self, question: Question) -> Response:
        return Response(s.QuestionDetailSerializer(selectors.question_detail(question.pk)).data)

    def _created(self, question: Question) -> Response:
        body = s.QuestionDetailSerializer(selectors.question_detail(question.pk)).data
        return created(self.request, body, "question-detail", pk=question.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.QuestionDetailSerializer(self.get_object()).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if "similar_to" not in request.query_params:
            return super().list(request, *args, **kwargs)
        # The lookup ranks open questions by likeness: a list's filters, search, ordering and
        # pages do not apply to it, and were ignored without a word.
        taken = {*inputs.SimilarQuestionsQuery().fields, "format"}
        if others := sorted(set(request.query_params) - taken):
            raise exceptions.ValidationError(
                {name: [f"Not taken with similar_to, which ranks open questions by likeness and "
                        f"takes {', '.join(sorted(taken - {'format'}))}."] for name in others}
            )  # fmt: skip
        lookup = inputs.SimilarQuestionsQuery(data=request.query_params)
        lookup.is_valid(raise_exception=True)
        query = lookup.validated_data
        topic_ids = Topic.objects.filter(slug__in=query.get("topic", [])).values_list(
            "pk", flat=True
        )
        found = similar_questions(
            query["similar_to"],
            deadline=query.get("near_deadline"),
            topic_ids=list(topic_ids),
            limit=query["limit"],
        )
        scores = {item.question.pk: item.score for item in found}
        questions = self.get_queryset().in_bulk(list(scores))
        rows = s.QuestionSerializer([questions[pk] for pk in scores], many=True).data
        for row in rows:
            row["similarity"] = scores[row["id"]]
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})

    @takes_idempotency_key
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = inputs.QuestionCreateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        with transaction.atomic():
            data = dict(writer.validated_data)
            data["topics"] = services.get_or_create_topics(names=data["topics"])
            question = services.create_question(**data, created_by=request.user)
            services.fall_due_now(question_ids=[question.pk])
        return self._created(question)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        writer = inputs.QuestionUpdateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = writer.validated_data
        changes = {k: v for k, v in data.items() if k != "reason"}
        with transaction.atomic():
            if "topics" in changes:
                changes["topics"] = services.get_or_create_topics(names=changes["topics"])
            question = services.update_question(
                question=question, reason=data["reason"], changed_by=request.user, **changes
            )
        return self._detail(question)

    @openapi_records.RESOLVE
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    @takes_idempotency_key
    def resolve(self, request: Request, pk: str) -> Response:
        question = self.get_object()
        verdict = inputs.ResolveSerializer(data=request.data)
        verdict.is_valid(raise_exception=True)
        review = reviews.submit_verdict(
            question=question, reviewer=request.user, **verdict.validated_data
        )
        body = s.QuestionDetailSerializer(selectors.question_detail(question.pk)).data
        return created(request, body, "review-detail", pk=review.pk)

    @openapi_records.TAKE
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def take(self, request: Request, pk: str) -> Response:
        assignment, created = reviews.take_question(
            question=self.get_object(), reviewer=request.user
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.AssignmentSerializer(assignment).data, status=code)


# --- Predictions and verdicts -------------------------------------------------------------


@extend_schema_view(**openapi_records.PREDICTIONS)
class PredictionViewSet(
    SearchPlanningMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    LedgerViewSet,
):
    queryset = Prediction.objects.select_related("expert", "question", "source", "score")
    serializer_class = s.PredictionSerializer
    filterset_class = PredictionFilter
    search_fields = ["quote", "phrase", "question__title", "expert__name"]
    ordering_fields = ["made_on", "created_at", "probability"]

    def get_serializer_class(self) -> type:
        return s.PredictionDetailSerializer if self.action == "retrieve" else s.PredictionSerializer

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.method in ("PUT", "PATCH"):
            raise exceptions.MethodNotAllowed(request.method, detail=PREDICTION_IS_A_RECORD)
        return super().http_method_not_allowed(request, *args, **kwargs)

    @takes_idempotency_key
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = inputs.PredictionCreateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        similar = []
        with transaction.atomic():
            if "new_question" in data:
                terms = dict(data.pop("new_question"))
                terms["topics"] = services.get_or_create_topics(names=terms["topics"])
                similar = similar_questions(
                    terms["title"],
                    deadline=terms["deadline"],
                    topic_ids=[t.pk for t in terms["topics"]],
                )
                data["question"] = services.create_question(**terms, created_by=request.user)
            prediction = services.record_prediction(**data, recorded_by=request.user)
            services.fall_due_now(question_ids=[prediction.question_id])
        response = self._created(prediction)
        if similar:
            # Offered after the fact too: the client may correct the prediction onto one.
            response.data["similar_questions"] = [
                {"id": item.question.pk, "title": item.question.title, "score": item.score}
                for item in similar
            ]
        return response

    @openapi_records.CORRECTIONS
    @action(detail=True, methods=["post"], permission_classes=[CanCorrectPredictions])
    @takes_idempotency_key
    def corrections(self, request: Request, pk: str) -> Response:
        prediction = self.get_object()
        writer = inputs.CorrectionSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        changes = dict(writer.validated_data)
        corrected = services.correct_prediction(
            prediction=prediction,
            reason=changes.pop("reason"),
            corrected_by=request.user,
            **changes,
        )
        return self._created(corrected)

    def _created(self, prediction: Prediction) -> Response:
        fresh = self.get_queryset().get(pk=prediction.pk)
        body = s.PredictionDetailSerializer(fresh).data
        return created(self.request, body, "prediction-detail", pk=prediction.pk)


@extend_schema_view(**openapi_records.REVIEWS)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    """Every verdict ever given, each round kept."""

    queryset = Review.objects.select_related("reviewer").order_by("-created_at", "-id")
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["created_at"]
