"""A department always has a bureau; its name is unique within that bureau only."""

import django.db.models.deletion
import spotcheck.accounts.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_departments_into_home_bureau'),
    ]

    operations = [
        migrations.AlterField(
            model_name='department',
            name='bureau',
            field=models.ForeignKey(default=spotcheck.accounts.models.home_bureau_id, on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='accounts.bureau', verbose_name='所属机关'),
        ),
        migrations.AlterField(
            model_name='department',
            name='name',
            field=models.CharField(max_length=100, verbose_name='部门名称'),
        ),
        migrations.AddConstraint(
            model_name='department',
            constraint=models.UniqueConstraint(fields=('bureau', 'name'), name='department_name_per_bureau'),
        ),
    ]
