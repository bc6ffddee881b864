"""The suggester's background job, run by the task worker (or here, without a broker)."""

from celery import shared_task


@shared_task(name="suggestions.jobs.train")
def train(suggester_id: int) -> None:
    from suggestions.services import suggester_train

    suggester_train(suggester_id=suggester_id)
