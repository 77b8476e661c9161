"""The Editors and Reviewers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = {
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
}
REVIEWERS = {
    "expert": ["view"],
    "source": ["view"],
    "topic": ["view"],
    "question": ["view"],
    "questionrevision": ["view"],
    "prediction": ["view"],
    "review": ["add", "view"],
    "reviewassignment": ["view"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Editors", EDITORS), ("Reviewers", REVIEWERS)):
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0002_prediction_made_on_not_after_deadline"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
