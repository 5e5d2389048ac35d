"""The chapter for the 社工 (docs/guide/social-worker.md); see guide/roles/__init__.py.

The run tells one story on the demo data, as worker1 (陈晓琳, 赤坎区) on a phone: the work list, a search, a
new child registered as the sibling of one of her children and grouped with it as a family, a home visit
from the work list with a photo, a discovery report raised from that visit, the new child's first risk
assessment, a case for the new child from intake to its follow-up (the supervisor's two approvals are made
with g.shell: the supervisor chapter shows them), an activity, the messages, the password and the second
factor. It picks its children on the run's data, so it does not depend on another chapter.
"""

import datetime
import io
import json

from django.urls import reverse

from accounts.policy import Role

SLUG = "social-worker"
TITLE = "社工"
ROLES = (Role.SOCIAL_WORKER,)
WIDTH = 375
HELP = {
    "home": "home",
    "login": "home",
    "visits:worklist": "worklist",
    "visits:compliance": "worklist",
    "children:list": "find-child",
    "children:detail": "child-record",
    "children:pdf": "child-record",
    "children:risk_history": "risk",
    "children:risk_assess": "risk",
    "children:risk_detail": "risk",
    "children:risk_event_new": "risk",
    "children:create": "register-child",
    "children:edit": "update-child",
    "children:exit": "update-child",
    "children:turning_age": "home",
    "children:household_create": "family",
    "children:household_detail": "family",
    "children:household_list": "family",
    "visits:visit_create": "visit",
    "visits:visit_detail": "visit",
    "visits:visit_edit": "visit",
    "visits:household_visit_create": "family",
    "visits:call_create": "visit",
    "visits:call_detail": "visit",
    "cases:incident_list": "report",
    "cases:incident_create": "report",
    "cases:incident_detail": "report",
    "cases:list": "case-open",
    "cases:case_create": "case-open",
    "cases:detail": "case-open",
    "cases:assess": "case-open",
    "cases:plan": "case-plan",
    "cases:plan_submit": "case-plan",
    "cases:service_add": "case-service",
    "cases:note_add": "case-service",
    "cases:direct_service_create": "case-service",
    "cases:referral_add": "case-referral",
    "cases:referral_update": "case-referral",
    "cases:resource_list": "case-referral",
    "cases:resource_detail": "case-referral",
    "cases:evaluate": "case-close",
    "cases:close": "case-close",
    "cases:follow_up": "case-follow-up",
    "cases:reopen": "case-follow-up",
    "evaluation:index": "evaluation",
    "evaluation:survey_list": "evaluation",
    "evaluation:survey_create": "evaluation",
    "evaluation:survey_detail": "evaluation",
    "evaluation:feedback_list": "evaluation",
    "evaluation:feedback_create": "evaluation",
    "evaluation:feedback_detail": "evaluation",
    "evaluation:feedback_edit": "evaluation",
    "visits:followup_list": "worklist",
    "visits:followup_create": "worklist",
    "visits:followup_detail": "worklist",
    "activities:list": "activity",
    "activities:create": "activity",
    "activities:detail": "activity",
    "activities:edit": "activity",
    "activities:calendar": "activity",
    "accounts:notifications": "messages",
    "accounts:password_change": "password",
    "accounts:password_done": "password",
    "accounts:otp_manage": "password",
    "accounts:otp_enrol": "password",
}

PREFIX = "social-worker-"

SETUP = """
import json
from children.idnumber import make
from children.models import Child
from divisions.models import Division
from accounts.models import User
worker = User.objects.get(username="worker1")
mine = Child.objects.in_registry().filter(social_worker=worker).select_related("residence__parent").order_by("id")
sibling = next(c for c in mine if c.household_id is None and c.residence.parent_id)
village = sibling.residence
seq = (Child.objects.count() * 7 + 3) % 100
print(json.dumps({
    "sibling": sibling.pk, "sibling_name": sibling.name,
    "county": village.parent.parent.code, "town": village.parent.code, "village": village.code,
    "guardian_name": sibling.guardian_name or "杨国强", "guardian_phone": sibling.guardian_phone or "13800138000",
    "id_number": make(village.code, __import__("datetime").date(2017, 3, 15), seq, "M"),
}))
"""


def shots(g):
    data = json.loads(g.shell(SETUP).splitlines()[-1])
    data["child_name"] = data["sibling_name"][0] + "思远"
    login_and_home(g)
    worklist(g)
    find_child(g)
    register_child(g, data)
    update_child(g, data)
    family(g, data)
    visit(g, data)
    report(g, data)
    risk(g, data)
    case(g, data)
    evaluation(g, data)
    activity(g, data)
    messages(g)
    password(g)


# --- helpers -------------------------------------------------------------------------------------
def shot(g, name, **kwargs):
    g.shot(PREFIX + name, **kwargs)


def click(g, text, *, scope="main"):
    """Press the button or link labelled `text` (the first) and wait until the next page has settled."""
    g.page.locator(scope).get_by_role("button", name=text, exact=True).or_(
        g.page.locator(scope).get_by_role("link", name=text, exact=True)).first.click()
    g.page.wait_for_load_state("networkidle")


def place(g, prefix, county, town, village):
    """Pick county → town → village in a division picker (each select loads the next)."""
    page = g.page
    page.select_option(f"#id_{prefix}_county", county)
    page.locator(f"#id_{prefix}_town option[value='{town}']").wait_for(state="attached")
    page.select_option(f"#id_{prefix}_town", town)
    page.locator(f"#id_{prefix}_village option[value='{village}']").wait_for(state="attached")
    page.select_option(f"#id_{prefix}_village", village)


def scroll_to(g, selector):
    g.page.locator(selector).first.scroll_into_view_if_needed()


def photo_jpeg() -> bytes:
    """A stand-in for a photo taken on the visit: a house in a field (no person in it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 400, 800, 600), fill=(90, 160, 80))
    draw.rectangle((250, 250, 550, 450), fill=(225, 205, 170))
    draw.polygon([(220, 260), (400, 140), (580, 260)], fill=(170, 60, 50))
    draw.rectangle((370, 340, 430, 450), fill=(110, 70, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def pk_of(url):
    """The record's id in the address of its page (/visits/43/?saved=… → 43)."""
    return int(url.split("?")[0].rstrip("/").split("/")[-1])


def today():
    return datetime.date.today()


# --- the tasks -----------------------------------------------------------------------------------
def login_and_home(g):
    g.anonymous()
    g.goto("login")
    g.page.fill("input[name=username]", "worker1")
    g.page.fill("input[name=password]", "wrong-password")
    g.page.locator("form button[type=submit]").first.click()
    g.page.wait_for_load_state("networkidle")
    shot(g, "login-refused")
    g.login("worker1")
    shot(g, "home")
    g.page.locator("button.navbar-toggler").click()
    g.page.locator("#mainnav.show").wait_for()
    shot(g, "menu", full_page=False)


def worklist(g):
    g.goto("visits:worklist")
    shot(g, "worklist")
    g.goto(reverse("visits:worklist") + "?section=overdue")
    shot(g, "worklist-overdue")


def find_child(g):
    g.goto("children:list")
    shot(g, "registry")
    g.page.fill("main input[name=q]", "ysm")
    g.page.locator("main input[name=q]").press("Enter")
    g.page.wait_for_load_state("networkidle")
    shot(g, "search")
    if not g.page.locator("main a.list-group-item").count():  # not the pristine demo data: any child
        g.goto("children:list")
    g.page.locator("main a.list-group-item").first.click()
    g.page.wait_for_load_state("networkidle")
    shot(g, "child-record")


def register_child(g, data):
    page = g.page
    g.goto("children:create")
    page.fill("#id_name", data["child_name"])
    page.select_option("#id_sex", "M")
    page.fill("#id_birth_date", "2017-03-15")
    page.fill("#id_ethnicity", "汉族")
    wrong = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    page.fill("#id_id_number", wrong)
    page.select_option("#id_hukou_type", "rural")
    place(g, "hukou", data["county"], data["town"], data["village"])
    place(g, "residence", data["county"], data["town"], data["village"])
    page.select_option("#id_parents-0-kind", "father")
    page.fill("#id_parents-0-name", data["guardian_name"][0] + "建华")
    page.select_option("#id_parents-0-situation", "working_away")
    page.fill("#id_parents-0-work_place", "广东省广州市")
    page.select_option("#id_parents-0-contact_frequency", "weekly")
    page.fill("#id_guardian_name", data["guardian_name"])
    page.select_option("#id_guardian_relation", "grandparent")
    page.fill("#id_guardian_phone", data["guardian_phone"])
    page.select_option("#id_school_stage", "primary")
    page.fill("#id_school_name", "中心小学")
    page.fill("#id_grade", "三年级")
    page.select_option("#id_health", "healthy")
    page.select_option("#id_economy", "none")
    page.select_option("#id_social_worker", label="陈晓琳")
    page.select_option("#id_source", "survey")
    page.select_option("#id_legal_basis", "statutory_duty")
    shot(g, "child-form")
    click(g, "保存")
    scroll_to(g, ".is-invalid")
    shot(g, "child-form-refused", full_page=False)
    page.fill("#id_id_number", data["id_number"])
    click(g, "保存")
    data["child"] = pk_of(page.url)
    shot(g, "child-saved", full_page=False)


def update_child(g, data):
    g.goto("children:edit", data["child"])
    g.page.fill("#id_head_teacher", "林老师")
    g.page.fill("#id_head_teacher_phone", "0759-3331234")
    scroll_to(g, "#id_head_teacher")
    shot(g, "child-edit", full_page=False)
    click(g, "保存")
    shot(g, "child-updated", full_page=False)


def family(g, data):
    g.goto("children:household_create", data["child"])
    g.page.locator(f"input[name=siblings][value='{data['sibling']}']").check()
    shot(g, "family-form")
    click(g, "保存")
    data["household"] = pk_of(g.page.url)
    shot(g, "family")
    click(g, "记录家庭探访")
    page = g.page
    page.select_option("#id_type", "home")
    page.fill("#id_visited_on", today().isoformat())
    page.fill("#id_duration_minutes", "50")
    page.check("#id_child_seen_0")
    page.fill("#id_others_met", "祖母")
    page.fill("#id_guardianship_care", "祖母照顾两个孩子，身体尚可")
    page.fill("#id_findings", "兄妹二人作息正常，哥哥作业常需人辅导")
    shot(g, "family-visit-form")
    click(g, "保存探访记录")
    shot(g, "family-visit-saved")


def visit(g, data):
    page = g.page
    g.goto("visits:worklist")
    first = page.locator("#section-overdue .due-item[data-kind=home], .due-item[data-kind=home]").first
    data["visit_child"] = int(first.get_attribute("data-child"))
    first.get_by_role("link", name="记录探访").click()
    page.wait_for_load_state("networkidle")
    shot(g, "visit-form-empty", full_page=False)
    page.fill("#id_duration_minutes", "45")
    page.fill("#id_findings", "孩子右臂有多处淤青")
    # the draft on the phone: the page is opened again (signal lost, the phone locked …), the text is still there
    page.goto(page.url)
    page.wait_for_load_state("networkidle")
    page.locator("#draft-notice:not(.d-none)").wait_for()
    shot(g, "visit-draft", full_page=False)
    click(g, "保存探访记录")
    page.locator(".is-invalid").first.scroll_into_view_if_needed()
    shot(g, "visit-refused", full_page=False)
    page.select_option("#id_type", "home")
    page.fill("#id_visited_on", today().isoformat())
    page.check("#id_child_seen_0")
    page.fill("#id_others_met", "祖母、姑姑")
    page.fill("#id_guardianship_care", "祖母照料，姑姑偶尔来帮忙")
    page.fill("#id_health", "右臂多处淤青，孩子说是被人打的，不肯说是谁")
    page.locator("input[name=hazards][value=domestic_violence]").check()
    page.fill("#id_hazards_note", "淤青新旧不一")
    page.select_option("#id_parents_contact", "less_than_weekly")
    page.fill("#id_findings", "孩子右臂多处淤青，疑似遭受暴力伤害")
    page.fill("#id_actions_agreed", "当场报警，通知民政局")
    page.fill("#id_next_steps", "三天内再次入户")
    page.set_input_files("#id_photos", files=[{"name": "rufang.jpg", "mimeType": "image/jpeg",
                                               "buffer": photo_jpeg()}])
    shot(g, "visit-form")
    click(g, "保存探访记录")
    data["visit"] = pk_of(page.url)
    shot(g, "visit-saved")


def report(g, data):
    page = g.page
    g.goto("visits:visit_detail", data["visit"])
    click(g, "发起发现报告")
    click(g, "提交报告")
    page.locator("#situations").scroll_into_view_if_needed()
    shot(g, "report-refused", full_page=False)
    page.locator("input[name=situations][value=domestic_violence]").check()
    page.locator("input[name=situations][value=m4_abuse]").check()
    page.locator("input[name=immediate_danger]").check()
    seen = datetime.datetime.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=20)
    page.fill("#id_discovered_at", seen.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_description", "入户探访时见孩子右臂多处新旧淤青，孩子说被人打，不肯说是谁；祖母在家。")
    shot(g, "report-form")
    click(g, "提交报告")
    data["incident"] = pk_of(page.url)
    shot(g, "report-filed")
    police = page.locator("form[action$='/notices/police/']")
    police.locator("input[name='police-notified_at']").fill(
        (seen + datetime.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M"))
    police.locator("select[name='police-channel']").select_option("110")
    police.locator("input[name='police-receiver']").fill("南桥派出所值班民警")
    police.locator("input[name='police-receipt_number']").fill("J4408020000123")
    police.scroll_into_view_if_needed()
    shot(g, "report-police", full_page=False)
    police.get_by_role("button", name="登记").click()
    page.wait_for_load_state("networkidle")
    county = page.locator("form[action$='/notices/civil_affairs/']")
    county.locator("input[name$='notified_at']").fill(
        (seen + datetime.timedelta(minutes=18)).strftime("%Y-%m-%dT%H:%M"))
    county.locator("select[name$='channel']").select_option("phone")
    county.locator("input[name$='receiver']").fill("赤坎区民政局值班室")
    county.get_by_role("button", name="登记").click()
    page.wait_for_load_state("networkidle")
    shot(g, "report-logged")


def risk(g, data):
    page = g.page
    g.goto("children:risk_history", data["child"])
    shot(g, "risk-history")
    g.goto("children:risk_assess", data["child"])
    for name, score in (("family", 1), ("care", 1), ("schooling", 1), ("health", 0), ("economy", 1),
                        ("safety", 1)):
        page.locator(f"label[for=id_score_{name}_{score}]").click()
    page.fill("#id_notes", "父亲在广州务工，每周视频；祖母照料两兄妹，家中无明显隐患。")
    shot(g, "risk-form")
    click(g, "计算建议等级")
    page.locator("#proposal").scroll_into_view_if_needed()
    shot(g, "risk-proposal", full_page=False)
    click(g, "确认等级")
    shot(g, "risk-confirmed")


def case(g, data):
    page = g.page
    g.goto(reverse("cases:case_create") + f"?child={data['child']}")
    page.fill("#id_reason", "父亲外出务工，祖母年迈，哥哥学习跟不上，放学后常无人辅导")
    shot(g, "case-form")
    click(g, "确认接案")
    data["case"] = pk_of(page.url)
    shot(g, "case-opened", full_page=False)
    click(g, "填写预估")
    page.fill("#id_guardianship_needs", "祖母68岁，能照料起居，无力辅导功课")
    page.fill("#id_schooling_needs", "三年级，语文数学成绩偏低")
    page.fill("#id_strengths", "父亲每周视频；班主任愿意配合")
    page.fill("#id_risks", "放学后在村里池塘边玩耍")
    shot(g, "case-assessment")
    click(g, "保存")
    click(g, "制定服务计划")
    page.fill("#id_summary", "改善课业辅导，加强防溺水安全教育")
    page.fill("#id_goals-0-text", "每周至少两次课后辅导")
    page.fill("#id_goals-0-measure", "社工每月向班主任了解")
    page.fill("#id_goals-1-text", "兄妹二人掌握防溺水要点")
    page.fill("#id_goals-1-measure", "回访时现场提问")
    page.select_option("#id_services-0-service_type", label="安全隐患排查")
    page.fill("#id_services-0-description", "入户排查池塘、用电隐患并讲解")
    page.fill("#id_services-0-owner", "社工")
    page.fill("#id_services-0-starts_on", today().isoformat())
    page.fill("#id_services-0-ends_on", (today() + datetime.timedelta(days=60)).isoformat())
    shot(g, "case-plan")
    click(g, "保存")
    click(g, "提交服务计划审批")
    page.fill("#id_note", "请督导审阅")
    shot(g, "case-plan-submit")
    click(g, "提交审批")
    shot(g, "case-plan-pending", full_page=False)
    approve(g, data["case"], "PLAN_APPROVAL", "同意，请按计划开展")
    g.goto("cases:detail", data["case"])
    click(g, "记录服务")
    page.select_option("#id_service_type", label="安全隐患排查")
    page.fill("#id_duration_minutes", "60")
    page.check("input[name=participants][value=child]")
    page.check("input[name=participants][value=guardian]")
    page.fill("#id_participant_names", "祖母")
    page.fill("#id_content", "带兄妹二人和祖母查看池塘，讲解防溺水“六不”")
    page.fill("#id_result", "兄妹能复述防溺水要点")
    shot(g, "case-service")
    click(g, "保存")
    click(g, "转介资源")
    page.select_option("#id_resource", label="湛江市志愿者联合会关爱留守儿童服务队")
    page.fill("#id_need", "每周两次课后课业辅导")
    shot(g, "case-referral")
    click(g, "保存")
    shot(g, "case-intervention")
    click(g, "评估")
    page.fill("#id_summary", "课业辅导已落实，兄妹掌握防溺水要点")
    for radio in page.locator("input[type=radio][value=achieved]").all():
        radio.check()
    shot(g, "case-evaluation")
    click(g, "保存")
    click(g, "申请结案")
    page.select_option("#id_reason", "goals_met")
    page.fill("#id_summary", "目标已达成，家庭照料稳定")
    shot(g, "case-closure")
    click(g, "提交审批")
    approve(g, data["case"], "CLOSURE_APPROVAL", "同意结案，按期回访")
    g.goto("cases:detail", data["case"])
    shot(g, "case-closed", full_page=False)
    click(g, "填写回访记录")
    page.fill("#id_done_on", today().isoformat())
    page.select_option("#id_method", "home")
    page.fill("#id_situation", "兄妹每周有志愿者辅导，成绩有进步；池塘边已装护栏")
    shot(g, "case-follow-up")
    click(g, "保存")
    shot(g, "case-followed-up")


APPROVE = """
from accounts.models import User
from accounts.services import approve, latest_approval
from cases import models
case = models.Case.objects.get(pk={case})
approve(approval=latest_approval(case, models.{kind}), by=User.objects.get(username="supervisor"), comment="{comment}")
print(models.Case.objects.get(pk={case}).stage)
"""


def approve(g, case, kind, comment):
    """The supervisor's decision (the supervisor chapter shows where it is made)."""
    g.shell(APPROVE.format(case=case, kind=kind, comment=comment))


def evaluation(g, data):
    """The follow-up survey of the case just closed, and the worker's monthly feedback."""
    page = g.page
    g.goto("cases:detail", data["case"])
    click(g, "填写回访问卷")
    for number in range(4):
        page.locator(f"label[for=id_q{number + 1}_4]").click()
    page.locator("label[for=id_respondent_2]").click()
    page.locator("label[for=id_method_1]").click()
    page.fill("#id_comment", "孩子有人辅导功课了，希望志愿者寒假也能来")
    shot(g, "survey-form")
    click(g, "保存回访")
    shot(g, "survey-saved", full_page=False)
    g.goto("evaluation:feedback_list")
    shot(g, "feedback-list")
    click(g, "填写本月反馈")
    page.fill("#id_month", today().strftime("%Y-%m"))
    page.fill("#id_workload", "本月入户探访22次，其中家庭探访3次；新接个案1个")
    page.fill("#id_difficulties", "部分村离镇上远，雨天难以入户")
    page.fill("#id_training_needs", "发现报告的证据保全")
    shot(g, "feedback-form")
    click(g, "保存")
    shot(g, "feedback-saved", full_page=False)


def activity(g, data):
    page = g.page
    g.goto("activities:list")
    shot(g, "activities")
    g.goto("activities:create")
    page.select_option("#id_kind", "community_education")
    page.select_option("#id_topic", "drowning")
    page.fill("#id_title", "寒假防溺水安全课")
    page.select_option("#id_status", "held")
    start = datetime.datetime.combine(today(), datetime.time(9, 30)) - datetime.timedelta(days=1)
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    click(g, "保存")
    page.locator(".is-invalid").first.scroll_into_view_if_needed()
    shot(g, "activity-refused", full_page=False)
    place(g, "place", data["county"], data["town"], data["village"])
    page.fill("#id_venue", "村儿童之家")
    page.fill("#id_partners", "湛江市志愿者联合会关爱留守儿童服务队")
    page.fill("#id_volunteer_count", "3")
    page.fill("#id_volunteer_hours", "6")
    page.fill("#id_registered_children", data["child_name"])
    box = page.locator(f"input[name=registered_children][value='{data['child']}']")
    box.wait_for(state="attached")
    box.check()
    page.fill("#id_other_children_count", "12")
    page.fill("#id_parents_count", "8")
    page.fill("#id_others_count", "2")
    page.fill("#id_summary", "讲解防溺水“六不”，现场演示求救方法")
    shot(g, "activity-form")
    click(g, "保存")
    shot(g, "activity-saved")


def messages(g):
    g.goto("accounts:notifications")
    shot(g, "messages")


def password(g):
    page = g.page
    g.goto("accounts:password_change")
    page.fill("#id_old_password", "wrong-old-password")
    page.fill("#id_new_password1", "12345678")
    page.fill("#id_new_password2", "12345678")
    click(g, "保存")
    shot(g, "password-refused")
    g.goto("accounts:otp_manage")
    shot(g, "otp")
    click(g, "绑定验证器应用")
    shot(g, "otp-enrol")
