"""The organisation tree (province → city → district bureau) and each department's bureau."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_departments_and_users'),
    ]

    operations = [
        migrations.CreateModel(
            name='Bureau',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='机关代码')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='机关名称')),
                ('level', models.CharField(choices=[('province', '省级'), ('city', '市级'), ('district', '县（区）级')], default='district', max_length=10, verbose_name='层级')),
                ('path', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='accounts.bureau', verbose_name='上级机关')),
            ],
            options={
                'verbose_name': '监管机关',
                'verbose_name_plural': '监管机关',
                'ordering': ['path'],
            },
        ),
        migrations.AddField(
            model_name='department',
            name='bureau',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='accounts.bureau', verbose_name='所属机关'),
        ),
        migrations.AddField(
            model_name='user',
            name='bureau',
            field=models.ForeignKey(blank=True, help_text='无所属部门的用户（管理员、纪检、法制审核）服务的机关；空表示全部机关', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='accounts.bureau', verbose_name='所属机关'),
        ),
    ]
