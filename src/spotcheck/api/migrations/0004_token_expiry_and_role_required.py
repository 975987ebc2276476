from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0003_fill_token_expiry_and_role")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="issued_role",
            field=models.CharField(max_length=20, verbose_name="签发时角色"),
        ),
    ]
