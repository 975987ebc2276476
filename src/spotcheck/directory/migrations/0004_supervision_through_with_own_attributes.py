"""Target.departments gets an explicit through model, Supervision, on the same table.

The auto-created table ``directory_target_departments`` (id, target_id, department_id and the
unique pair) is exactly what the new model declares, so the switch is a state-only operation
and every existing link stays; only the two nullable attribute columns are added for real.
The links' history table is renamed after the through model (simple-history names it so) and
keeps its rows."""

import django.db.models.deletion
from django.db import migrations, models

GRADES = [(1, "一级（低）"), (2, "二级（一般）"), (3, "三级（较高）"), (4, "四级（高）")]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_department_bureau_required"),
        ("directory", "0003_target_flag_partial_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Supervision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="supervisions",
                                to="accounts.department",
                            ),
                        ),
                        (
                            "target",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="supervisions",
                                to="directory.target",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "部门监管属性",
                        "verbose_name_plural": "部门监管属性",
                        "db_table": "directory_target_departments",
                        "unique_together": {("target", "department")},
                    },
                ),
                migrations.AlterField(
                    model_name="target",
                    name="departments",
                    field=models.ManyToManyField(
                        related_name="targets",
                        through="directory.Supervision",
                        to="accounts.department",
                        verbose_name="监管部门",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="supervision",
            name="supervision_grade",
            field=models.PositiveSmallIntegerField(
                blank=True, choices=GRADES, null=True, verbose_name="本部门监管等级"
            ),
        ),
        migrations.AddField(
            model_name="supervision",
            name="key_industry",
            field=models.BooleanField(blank=True, null=True, verbose_name="本部门重点行业"),
        ),
        migrations.RenameModel(
            old_name="HistoricalTarget_departments", new_name="HistoricalSupervision"
        ),
        migrations.AlterModelOptions(
            name="historicalsupervision",
            options={"verbose_name": "HistoricalSupervision"},
        ),
        migrations.AddField(
            model_name="historicalsupervision",
            name="supervision_grade",
            field=models.PositiveSmallIntegerField(
                blank=True, choices=GRADES, null=True, verbose_name="本部门监管等级"
            ),
        ),
        migrations.AddField(
            model_name="historicalsupervision",
            name="key_industry",
            field=models.BooleanField(blank=True, null=True, verbose_name="本部门重点行业"),
        ),
        # The copied link fields lose the empty db_tablespace the auto-created table's had.
        *(
            migrations.AlterField(
                model_name="historicalsupervision",
                name=name,
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=to,
                ),
            )
            for name, to in (("department", "accounts.department"), ("target", "directory.target"))
        ),
    ]
