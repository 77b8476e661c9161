"""Celery tasks: ids in, one service call. Each is safe to run twice and to overlap itself."""

from celery import shared_task

from forecasts.services import track_records


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def update_track_records(self, expert_ids: list[int]) -> int:
    """Rebuild these experts' records from their stored scores (a rebuild, so reruns agree)."""
    return track_records.update_track_records(expert_ids=expert_ids)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_track_records(self) -> int:
    """Nightly safety net: every score and track record from scratch."""
    return track_records.recompute_track_records()
