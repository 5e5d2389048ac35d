"""Service types (docs/domain.md §6) and resource types (the tender's 社会救助/社会福利/公益慈善 …).

Names are stored in Chinese, as the people who use the lists write them. Idempotent: update_or_create by code.
"""

from django.db import migrations

SERVICE_TYPES = [
    # (code, name, delivered with the family)
    ("safety_check", "安全隐患排查", False),
    ("medical_rehab", "医疗康复", False),
    ("guardianship_assessment", "监护评估", False),
    ("legal_aid", "法律援助", False),
    ("special_education", "特殊教育", False),
    ("education_correction", "教育矫正", False),
    ("psychological_support", "心理援助/心理辅导", False),
    ("companionship", "成长陪伴", False),
    ("crisis_intervention", "危机干预", False),
    ("emergency_shelter", "紧急庇护", False),
    ("safety_assessment", "安全评估", False),
    ("resource_linking", "资源链接", False),
    ("assistance", "救助保障", False),
    ("behaviour_intervention", "行为干预", False),
    ("family_education", "家庭教育指导", True),
    ("family_mediation", "家庭矛盾调解", True),
    ("intergenerational", "代际沟通与关系调适", True),
    ("family_call", "亲情连线", False),
    ("judicial_assistance", "司法救助", False),
]

RESOURCE_TYPES = [
    ("social_assistance", "社会救助"),
    ("social_welfare", "社会福利"),
    ("charity", "公益慈善"),
    ("volunteers", "志愿者"),
    ("social_organisation", "社会组织"),
    ("hospital", "医院"),
    ("school", "学校"),
    ("legal_aid", "法律援助"),
    ("psychological", "心理服务"),
    ("other", "其他"),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("cases", "ServiceType")
    ResourceType = apps.get_model("cases", "ResourceType")
    for order, (code, name, with_family) in enumerate(SERVICE_TYPES, start=1):
        ServiceType.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10,
                                                                  "with_family": with_family})
    for order, (code, name) in enumerate(RESOURCE_TYPES, start=1):
        ResourceType.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_file")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
