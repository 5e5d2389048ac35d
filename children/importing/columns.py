"""The ledger's columns and the words ledgers use for each choice.

The Chinese column headers are the file format social workers use, not interface text.
"""

import re

from .sheet import Column

LEDGER_COLUMNS = [
    Column("seq", ("序号", "编号")),
    Column("name", ("姓名", "儿童姓名", "学生姓名", "名字"), required=True),
    Column("sex", ("性别",), note="可不填，按身份证号"),
    Column("ethnicity", ("民族",)),
    Column("id_number", ("公民身份号码", "身份证号", "身份证号码", "身份证", "儿童身份证号", "身份证件号码", "证件号码"),
           required=True, note="18位，末位可为X"),
    Column("birth_date", ("出生日期", "出生年月日", "出生年月", "生日"), note="可不填，按身份证号"),
    Column("hukou_type", ("户口性质", "户籍性质", "户口类型"), note="农村/城镇/无户籍"),
    Column("hukou", ("户籍地", "户籍所在地", "户籍地址", "户口所在地"), note="如：雷州市附城镇北门村"),
    # 户籍地 as a group over 县/镇/村 columns (two header rows)
    Column("hukou_county", ("户籍地县（市、区）", "户籍地县区", "户籍所在地县（市、区）", "户籍所在地县区")),
    Column("hukou_town", ("户籍地镇（街道）", "户籍地镇街", "户籍所在地镇（街道）", "户籍所在地镇街")),
    Column("hukou_village", ("户籍地村（居）", "户籍地村居", "户籍所在地村（居）", "户籍所在地村居")),
    Column("county", ("县（市、区）", "县区", "县(市区)", "区县", "县市区", "所属县区", "现居住地县(市、区)", "现居住地县区"),
           note="现居住地"),
    Column("town", ("镇（街道）", "镇街", "乡镇(街道)", "乡镇", "镇(街)", "镇街道", "所属镇街", "现居住地镇(街道)",
                    "现居住地镇街")),
    Column("village", ("村（居）", "村居", "村(社区)", "村(居委会)", "村委会", "村居委会", "所属村居", "现居住地村(居)",
                       "现居住地村居")),
    Column("residence", ("现居住地", "现住址", "居住地", "现居住地址")),
    Column("address", ("详细地址", "家庭住址", "门牌号", "地址"), note="村以下的详细地址"),
    Column("categories", ("儿童类别", "类别", "儿童类型", "困境类型", "人员类别"), required=True,
           note="多个类别用顿号分开"),
    Column("recognised_on", ("认定日期", "类别认定日期")),
    Column("guardian_name", ("监护人", "监护人姓名")),
    Column("guardian_relation", ("与儿童关系", "监护人与儿童关系", "监护人关系", "监护人与儿童的关系")),
    Column("guardian_phone", ("监护人电话", "监护人联系电话", "联系电话", "电话")),
    Column("father_name", ("父亲姓名", "父亲")),
    Column("father_situation", ("父亲状况", "父亲情况", "父亲状态")),
    Column("father_work_place", ("父亲务工地", "父亲务工地点", "父亲工作地")),
    Column("father_phone", ("父亲电话", "父亲联系电话")),
    Column("mother_name", ("母亲姓名", "母亲")),
    Column("mother_situation", ("母亲状况", "母亲情况", "母亲状态")),
    Column("mother_work_place", ("母亲务工地", "母亲务工地点", "母亲工作地")),
    Column("mother_phone", ("母亲电话", "母亲联系电话")),
    Column("caregiver_name", ("委托照护人", "委托照护人姓名", "照护人")),
    Column("caregiver_relation", ("照护人与儿童关系", "委托照护人与儿童关系", "照护人关系")),
    Column("caregiver_phone", ("照护人电话", "委托照护人电话", "照护人联系电话")),
    Column("school_stage", ("就学情况", "就学阶段", "学段", "在校情况", "就读情况")),
    Column("school_name", ("就读学校", "学校", "学校名称")),
    Column("grade", ("年级", "年级班级", "班级")),
    Column("health", ("健康状况", "身体状况")),
    Column("disability_type", ("残疾类别", "残疾类型")),
    Column("disability_grade", ("残疾等级",)),
    Column("economy", ("家庭经济状况", "家庭经济", "经济状况", "家庭困难类型")),
    Column("social_worker", ("负责社工", "责任社工", "社工")),
    Column("entered_on", ("纳入日期", "建档日期", "录入日期", "纳入台账日期")),
    Column("status", ("状态", "在册状态")),
    Column("exit_reason", ("退出原因",)),
    Column("exited_on", ("退出日期",)),
]
COLUMN_HEADERS = {c.key: c.headers[0] for c in LEDGER_COLUMNS}

# Words ledgers use for the choices, beyond the Chinese labels of the choices themselves.
SYNONYMS = {
    "sex": {"男": "M", "男性": "M", "女": "F", "女性": "F"},
    "hukou_type": {"农村": "rural", "农业": "rural", "农村户口": "rural", "农业户口": "rural", "城镇": "urban",
                   "非农业": "urban", "城镇户口": "urban", "非农业户口": "urban", "城市": "urban",
                   "无户籍": "unregistered", "无户口": "unregistered", "未登记户口": "unregistered"},
    "relation": {"父亲": "parent", "母亲": "parent", "父": "parent", "母": "parent", "父母": "parent",
                 "祖父": "grandparent", "祖母": "grandparent", "外祖父": "grandparent", "外祖母": "grandparent",
                 "爷爷": "grandparent", "奶奶": "grandparent", "外公": "grandparent", "外婆": "grandparent",
                 "祖父母": "grandparent", "外祖父母": "grandparent", "祖孙": "grandparent",
                 "哥哥": "sibling", "姐姐": "sibling", "兄": "sibling", "姐": "sibling", "兄长": "sibling",
                 "叔叔": "other_relative", "伯父": "other_relative", "伯母": "other_relative", "婶婶": "other_relative",
                 "姑姑": "other_relative", "姑妈": "other_relative", "舅舅": "other_relative",
                 "舅妈": "other_relative", "姨妈": "other_relative", "阿姨": "other_relative",
                 "叔父": "other_relative", "亲戚": "other_relative", "其他亲属": "other_relative",
                 "民政": "civil_affairs", "民政部门": "civil_affairs", "民政局": "civil_affairs",
                 "村委会": "village_committee", "居委会": "village_committee", "村(居)委会": "village_committee",
                 "其他": "other"},
    "situation": {"在家": "at_home", "在家务农": "at_home", "务农": "at_home", "外出务工": "working_away",
                  "外出打工": "working_away", "务工": "working_away", "打工": "working_away", "外出": "working_away",
                  "死亡": "dead", "去世": "dead", "已故": "dead", "病故": "dead", "失踪": "missing",
                  "服刑": "in_prison", "服刑在押": "in_prison", "在押": "in_prison", "戒毒": "in_rehab",
                  "强制隔离戒毒": "in_rehab", "重病": "seriously_ill", "重残": "severely_disabled",
                  "重度残疾": "severely_disabled", "失联": "out_of_contact", "撤销监护": "guardianship_revoked",
                  "被撤销监护资格": "guardianship_revoked", "遣送出境": "deported", "被遣送出境": "deported"},
    "school_stage": {"未入园": "none", "未入学": "none", "学前": "kindergarten", "幼儿园": "kindergarten",
                     "小学": "primary", "初中": "junior", "高中": "senior", "中职": "vocational", "中专": "vocational",
                     "职高": "vocational", "技校": "vocational", "辍学": "dropped_out", "失学": "out_of_school"},
    "health": {"健康": "healthy", "良好": "healthy", "正常": "healthy", "一般": "healthy", "慢性病": "chronic",
               "重病": "serious", "大病": "serious", "重大疾病": "serious", "残疾": "disabled"},
    "disability_type": {"视力": "vision", "听力": "hearing", "言语": "speech", "肢体": "physical",
                        "智力": "intellectual", "精神": "mental", "多重": "multiple"},
    "economy": {"一般": "none", "无": "none", "否": "none", "正常": "none", "非困难": "none", "低保": "minimum_living",
                "低保户": "minimum_living", "低保家庭": "minimum_living", "特困": "extreme_poverty",
                "特困供养": "extreme_poverty", "低保边缘": "low_income_edge", "低保边缘户": "low_income_edge",
                "其他困难": "other_hardship", "困难": "other_hardship"},
    "status": {"在册": "registered", "在档": "registered", "退出": "exited", "已退出": "exited"},
    "exit_reason": {"年满16周岁": "turned_16", "满16周岁": "turned_16", "年满18周岁": "turned_18",
                    "满18周岁": "turned_18", "父母返乡": "parents_returned", "迁出": "moved_away", "死亡": "died",
                    "其他": "other"},
    "category": {"留守儿童": "left_behind", "留守": "left_behind", "农村留守": "left_behind",
                 "事实无人抚养": "unsupported", "事实孤儿": "unsupported", "困难家庭": "poor_family",
                 "低保家庭儿童": "poor_family", "低保儿童": "poor_family", "特困儿童": "poor_family",
                 "重度残疾儿童": "severe_disability", "重残": "severe_disability", "兜底监护": "state_guardianship",
                 "其他困境": "other_difficulty", "其他": "other_difficulty"},
}
# Umbrella words a county ledger writes instead of the exact category (DOMAIN.md §1): the child is
# imported 待细分 (category to be confirmed) and listed for the worker to settle. 留守儿童 is not one:
# the registry has one 留守 category (农村留守儿童), so the word names it.
UMBRELLA_CATEGORIES = {"困境儿童": "困境儿童", "困境": "困境儿童", "困境未成年人": "困境儿童"}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4, "1级": 1, "2级": 2,
           "3级": 3, "4级": 4, "一": 1, "二": 2, "三": 3, "四": 4}
LIST_SPLIT = re.compile(r"[、,;/|\s]+")

