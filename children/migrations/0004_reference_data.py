"""Reference data (docs/style.md §12): the child categories of docs/domain.md §1 and the benefits of §2.

Amounts are left empty: the project lead fills in the current local standards in the admin.
"""

from django.db import migrations

CATEGORIES = [
    # code, name, max_age, rule
    ("left_behind", "农村留守儿童", 16,
     "农村户籍，父母双方外出务工，或一方外出务工另一方无监护能力（重病、重残）（国发〔2016〕13号）"),
    ("orphan", "孤儿", 18, "父母双方死亡或人民法院宣告失踪（国办发〔2010〕54号）"),
    ("unsupported", "事实无人抚养儿童", 18,
     "父母双方均符合重残、重病、服刑在押、强制隔离戒毒、被执行其他限制人身自由措施、失联、被撤销监护资格、"
     "被遣送出境情形之一，或一方死亡、失踪另一方符合上述情形之一（民发〔2019〕62号、民发〔2020〕125号）；广东要求本省户籍"),
    ("poor_family", "困难家庭儿童", 18, "家庭属于低保、特困、低保边缘等困难家庭（国发〔2016〕36号）"),
    ("severe_disability", "重残儿童", 18, "持残疾人证一、二级，或三、四级精神、智力残疾"),
    ("state_guardianship", "兜底监护儿童", 18, "由民政部门临时监护或长期监护（未成年人保护法第九十二条、第九十四条）"),
    ("other_difficulty", "其他困境儿童", 18, "市、县规定的其他困境情形"),
]

BENEFITS = [
    # code, name, department, unit, min_age, below_age, categories
    ("orphan_allowance", "孤儿基本生活费", "civil_affairs", "月", None, 18, ["orphan"]),
    ("unsupported_allowance", "事实无人抚养儿童基本生活补贴", "civil_affairs", "月", None, 18, ["unsupported"]),
    ("minimum_living", "最低生活保障（低保）", "civil_affairs", "月", None, None, ["poor_family"]),
    ("extreme_poverty", "特困人员救助供养", "civil_affairs", "月", None, 16, ["state_guardianship"]),
    ("temporary_assistance", "临时救助", "civil_affairs", "次", None, None, []),
    ("disabled_rehab", "残疾儿童康复救助", "disabled_federation", "年", None, 7, ["severe_disability"]),
    ("disabled_living", "困难残疾人生活补贴", "civil_affairs", "月", None, None, []),
    ("disabled_care", "重度残疾人护理补贴", "civil_affairs", "月", None, None, ["severe_disability"]),
    ("education_aid", "教育资助", "education", "学期", 3, None,
     ["orphan", "unsupported", "poor_family", "severe_disability", "state_guardianship"]),
    ("medical_aid", "医疗救助", "medical_security", "次", None, None,
     ["orphan", "unsupported", "poor_family", "state_guardianship"]),
]


def load(apps, schema_editor):
    Category = apps.get_model("children", "Category")
    Benefit = apps.get_model("children", "Benefit")
    for order, (code, name, max_age, rule) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"name": name, "max_age": max_age, "rule": rule,
                                                                "order": order})
    for order, (code, name, department, unit, min_age, below_age, categories) in enumerate(BENEFITS, start=1):
        benefit, _created = Benefit.objects.update_or_create(code=code, defaults={
            "name": name, "department": department, "amount_unit": unit, "min_age": min_age,
            "below_age": below_age, "order": order})
        benefit.categories.set(Category.objects.filter(code__in=categories))


class Migration(migrations.Migration):
    dependencies = [("children", "0003_child_record")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
