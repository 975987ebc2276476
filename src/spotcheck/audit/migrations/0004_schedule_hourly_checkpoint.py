"""The job worker (django-q2 qcluster) signs a checkpoint of the audit log every hour when the
log has grown, and at least once a day (spotcheck.audit.checkpoints.scheduled_checkpoint)."""

from django.db import migrations

NAME = "spotcheck-audit-checkpoint"


def add_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "spotcheck.audit.checkpoints.scheduled_checkpoint",
            "schedule_type": "H",
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_triggers"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(add_schedule, remove_schedule),
    ]
