from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="issued_role",
            field=models.CharField(max_length=20, null=True, verbose_name="签发时角色"),
        ),
    ]
