"""Atom feeds: the latest predictions, the latest resolutions, and each expert's predictions.

`?topic=<slug>` narrows the predictions and resolutions feeds to one topic's questions (an
unknown topic is a 404): a reader follows the South Caucasus without the rest.

Mounted under /api/feeds/ (forecasts/api/urls.py) and advertised by the public pages. Items
link to the public pages a reader opens (a question, an expert); each entry's id stays the
URL of its JSON record in the API, as it was when items linked there, so feed readers that
already hold an entry do not see it again as new.
"""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from forecasts.api.errors import NotFoundSaid
from forecasts.models import Expert, Prediction, Question, Topic

FEED_LENGTH = 50


def _shown(probability: float | None) -> str:
    return "no number yet" if probability is None else f"{probability:.0%}"


def _topic(request: HttpRequest) -> Topic | None:
    slug = request.GET.get("topic")
    if not slug:
        return None
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise NotFoundSaid(f"No topic “{slug}”: GET /api/topics/ lists the topics and slugs.")
    return topic


def _on(topic: Topic | None) -> str:
    return f" on {topic.name}" if topic else ""


class _TopicFeed(Feed):
    """A feed of the whole record, or of one topic's questions (`?topic=<slug>`)."""

    feed_type = Atom1Feed
    what = ""  # "predictions", "resolutions"
    about = ""  # the subtitle, with {on} where the topic goes

    def get_object(self, request: HttpRequest) -> Topic | None:
        return _topic(request)

    def title(self, topic: Topic | None) -> str:
        return f"Forecast Ledger: latest {self.what}{_on(topic)}"

    def subtitle(self, topic: Topic | None) -> str:
        return self.about.format(on=_on(topic))

    def link(self, topic: Topic | None) -> str:
        return reverse("leaderboard") + (f"?topic={topic.slug}" if topic else "")


class LatestPredictionsFeed(_TopicFeed):
    what = "predictions"
    about = "Forecasts by public experts{on}, newest recorded first."

    def items(self, topic: Topic | None) -> QuerySet:
        predictions = self._predictions()
        if topic is not None:
            predictions = predictions.filter(question__topics=topic)
        return predictions.order_by("-id")[:FEED_LENGTH]

    @staticmethod
    def _predictions() -> QuerySet:
        """Newest recorded first is id order (created_at is stamped at the insert), which the
        primary key serves; ordering by created_at sorted every current prediction (0.9 s at
        1,000,000)."""
        return Prediction.objects.current().select_related("expert", "question", "source")

    def item_title(self, item: Prediction) -> str:
        late = " (corrected after the deadline)" if item.corrected_after_deadline else ""
        shown = _shown(item.probability)
        return f"{item.expert.name}: {shown} on “{item.question.title}”{late}"

    def item_description(self, item: Prediction) -> str:
        words = f" (“{item.phrase}”)" if item.phrase else ""
        quote = f" Quote: “{item.quote}”" if item.quote else ""
        where = f" Source: {item.source}." if item.source else ""
        when = f" Recorded {item.recorded_at:%Y-%m-%d}" + (
            f" (the time {item.recorded_via} gave it)." if item.recorded_via else "."
        )
        if item.hindsight:
            when += " Hindsight: recorded on or after the deadline or the resolution."
        if item.corrected_after_deadline:
            when += " Corrected after the deadline by an admin, with a reason in its history."
        # Atom summaries are HTML that readers render: user text goes in escaped.
        return escape(
            f"Made on {item.made_on:%Y-%m-%d}{words}; the question's deadline is "
            f"{item.question.deadline:%Y-%m-%d}.{when}{where}{quote}"
        )

    def item_link(self, item: Prediction) -> str:
        return reverse("question-detail", args=[item.question_id])

    def item_guid(self, item: Prediction) -> str:
        return reverse("api:prediction-detail", args=[item.pk])

    item_guid_is_permalink = False

    def item_pubdate(self, item: Prediction) -> dt.datetime:
        return item.created_at

    def item_author_name(self, item: Prediction) -> str:
        return item.expert.name


class ExpertPredictionsFeed(LatestPredictionsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Expert:
        return get_object_or_404(Expert, slug=slug)

    def title(self, expert: Expert) -> str:
        return f"Forecast Ledger: predictions by {expert.name}"

    def subtitle(self, expert: Expert) -> str:
        return f"Every forecast recorded for {expert.name}, newest first."

    def link(self, expert: Expert) -> str:
        return reverse("expert-detail", args=[expert.slug])

    def items(self, expert: Expert) -> QuerySet:
        return self._predictions().filter(expert=expert).order_by("-id")[:FEED_LENGTH]


class LatestResolutionsFeed(_TopicFeed):
    what = "resolutions"
    about = "Questions{on} resolved or annulled, newest first."

    def items(self, topic: Topic | None) -> QuerySet:
        questions = Question.objects.settled()
        if topic is not None:
            questions = questions.filter(topics=topic)
        return questions.order_by("-resolved_at", "-id")[:FEED_LENGTH]

    def item_title(self, item: Question) -> str:
        if item.status == Question.Status.ANNULLED:
            return f"Annulled: {item.title}"
        return f"Resolved {item.outcome.upper()}: {item.title}"

    def item_description(self, item: Question) -> str:
        return escape(f"Deadline {item.deadline:%Y-%m-%d}. Criteria: {item.resolution_criteria}")

    def item_link(self, item: Question) -> str:
        return f"{reverse('question-detail', args=[item.pk])}#resolution-heading"

    def item_guid(self, item: Question) -> str:
        # The resolved_at in the id keeps a re-resolution a new entry for feed readers.
        return f"{reverse('api:question-detail', args=[item.pk])}#resolved-{item.resolved_at:%s}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Question) -> dt.datetime:
        return item.resolved_at
