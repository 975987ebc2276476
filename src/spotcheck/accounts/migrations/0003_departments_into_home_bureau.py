"""Every existing department moves into one root bureau ("本局"), which the administrator
renames and places in the province's tree. Its own migration: PostgreSQL will not alter a table
with pending foreign-key checks in the same transaction."""

from django.db import migrations


def home_bureau(apps, schema_editor):  # type: ignore[no-untyped-def]
    Bureau = apps.get_model("accounts", "Bureau")
    Department = apps.get_model("accounts", "Department")
    root = Bureau.objects.filter(parent=None).order_by("pk").first()
    if root is None:
        root = Bureau.objects.create(code="home", name="本局", level="district")
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
    Department.objects.filter(bureau=None).update(bureau=root)



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_bureaus_tree'),
    ]

    operations = [
        migrations.RunPython(home_bureau, migrations.RunPython.noop),
    ]
