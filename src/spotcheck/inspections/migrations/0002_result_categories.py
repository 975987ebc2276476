"""Reference data: the result categories of the national platform (抽查检查结果).

They stay editable afterwards (renamed, reordered, deactivated); this only seeds them.
"""

from django.db import migrations

CATEGORIES = [
    # (code, name, problem_found)
    ("no_problem", "未发现问题", False),
    ("not_disclosed", "未按规定公示应当公示的信息", True),
    ("false_disclosure", "公示信息隐瞒真实情况、弄虚作假", True),
    ("unreachable", "通过登记的住所（经营场所）无法联系", True),
    ("refused", "不予配合检查情节严重", True),
    ("rectified", "发现问题已责令改正", True),
    ("pending_follow_up", "发现问题待后续处理", True),
    ("no_activity", "未发现开展本次抽查涉及的经营活动", False),
    ("deregistered", "已注销/被吊销/被撤销", False),
]


def load(apps, schema_editor):
    ResultCategory = apps.get_model("inspections", "ResultCategory")
    for order, (code, name, problem) in enumerate(CATEGORIES, start=1):
        ResultCategory.objects.update_or_create(
            code=code, defaults={"name": name, "problem_found": problem, "order": order * 10}
        )


def unload(apps, schema_editor):
    ResultCategory = apps.get_model("inspections", "ResultCategory")
    ResultCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_inspections_results_followups")]

    operations = [migrations.RunPython(load, unload)]
