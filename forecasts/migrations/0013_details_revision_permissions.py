"""Editors and reviewers see the history of experts' and sources' details in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Editors": ["view_detailsrevision"], "Reviewers": ["view_detailsrevision"]}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="forecasts", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(codename="view_detailsrevision"))


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0012_details_revisions")]

    operations = [migrations.RunPython(grant, revoke)]
