"""The roles of docs/design.md as Django groups: what editors and reviewers may do.

Editors log the record (add and change experts, sources, topics, questions, predictions);
reviewers give verdicts; both see the rest. Admins are superusers. The groups and their
permissions are made after every `migrate` (and after a test database is flushed), by the
post_migrate handler in apps.py, so a new database, a restored one and a test all have them;
running it again changes nothing.
"""

from django.contrib.auth.models import Group, Permission

EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Reviewers"
GRANTS = {
    EDITORS_GROUP: {
        "expert": ["add", "change", "view"],
        "source": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "question": ["add", "change", "view"],
        "questionrevision": ["view"],
        "prediction": ["add", "change", "view"],
        "predictionscore": ["view"],
        "trackrecord": ["view"],
        "review": ["view"],
        "reviewassignment": ["view"],
        "detailsrevision": ["view"],
    },
    REVIEWERS_GROUP: {
        "expert": ["view"],
        "source": ["view"],
        "topic": ["view"],
        "question": ["view"],
        "questionrevision": ["view"],
        "prediction": ["view"],
        "review": ["add", "view"],
        "reviewassignment": ["view"],
        "detailsrevision": ["view"],
    },
}


def ensure_roles() -> None:
    """Create the groups if missing and give each exactly its permissions."""
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
        )
