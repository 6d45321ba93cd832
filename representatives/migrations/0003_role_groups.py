"""Create one Django group per role of DESIGN section 6; administrators get the reference-data
permissions (the other roles act through the portal's own screens, scoped by Official)."""

from django.db import migrations

ROLES = ["representative", "station_staff", "committee_staff", "unit_staff", "leader", "administrator"]
ADMIN_APPS = ["representatives", "routing"]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    admin = Group.objects.get(name="administrator")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("representatives", "0002_official_unit"),
        ("routing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
