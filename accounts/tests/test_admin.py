import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import StaffProfile
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(worker):
    target = StaffProfile.objects.create(user=worker, position="project_worker", education="bachelor")
    return services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")


def test_supervisor_reads_the_approval_history(client_for, supervisor, approval):
    client = client_for(supervisor)
    response = client.get(reverse("admin:accounts_approval_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [approval]


def test_system_administrator_cannot_browse_approvals(client_for, sysadmin, approval):
    client = client_for(sysadmin)
    assert client.get(reverse("admin:accounts_approval_changelist")).status_code == 403


def test_approvals_cannot_be_changed_in_the_admin(client_for, supervisor, approval):
    client = client_for(supervisor)
    url = reverse("admin:accounts_approval_change", args=[approval.pk])
    client.post(url, {"status": "approved"})
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_notifications_are_not_browsable_in_the_admin(client_for, sysadmin):
    client = client_for(sysadmin)
    response = client.get("/admin/accounts/notification/")
    assert response.status_code == 404


def test_approval_history_query_count_does_not_grow(client_for, supervisor, worker):
    def add_requests(numbers):
        for i in numbers:
            target = StaffProfile.objects.create(user=make_user(f"w{i}", "social_worker"),
                                                 position="project_worker", education="bachelor")
            services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:accounts_approval_changelist")).status_code == 200
        return len(captured.captured_queries)

    client = client_for(supervisor)
    add_requests(range(2))
    client.get(reverse("admin:accounts_approval_changelist"))  # session stamp written now
    few = count_queries()
    add_requests(range(2, 9))
    # Users, content types and approvals are joined in one query whatever the number of rows.
    assert count_queries() == few


def test_password_based_authentication_switch_says_disabled_not_disability(client_for, sysadmin, worker):
    """Django's "Disabled" (of 基于密码的验证) is 禁用; the child's health "Disabled" (残疾) has a context."""
    from django.utils import translation

    from children.models import Child

    client = client_for(sysadmin)
    for url in (reverse("admin:accounts_user_add"),
                reverse("admin:auth_user_password_change", args=[worker.pk])):
        page = client.get(url).content.decode()
        assert "基于密码的验证" in page and "禁用" in page and "残疾" not in page
    with translation.override("zh-hans"):
        assert str(Child.Health.DISABLED.label) == "残疾"


def test_user_page_has_role_and_area_first_and_no_groups_permissions_or_split_names(client_for, sysadmin, worker):
    page = client_for(sysadmin).get(reverse("admin:accounts_user_change", args=[worker.pk])).content.decode()
    for name in ("groups", "user_permissions", "first_name", "last_name", "is_staff"):
        assert f'name="{name}"' not in page, name
    assert "名字" not in page and "姓氏" not in page
    assert 'name="full_name"' in page and 'name="role"' in page and 'name="is_active"' in page
    assert page.index("角色与区域") < page.index('name="is_active"') < page.index("重要日期")


def test_the_admins_two_list_selector_speaks_chinese(client_for, sysadmin):
    """Every string of the selector a user's areas and permissions are chosen with (filter_horizontal) is in the
    catalog /admin/jsi18n/ serves, in Chinese: Django's own zh_Hans catalog lacks the newer ones."""
    import json
    import re
    from pathlib import Path

    import django.contrib.admin

    script = (Path(django.contrib.admin.__file__).parent / "static/admin/js/SelectFilter2.js").read_text()
    wanted = {text.replace('\\"', '"') for _, text in re.findall(r"""\bgettext\((['"])(.*?)\1\)""", script)}
    assert "Choose all %s" in wanted
    response = client_for(sysadmin).get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)[1])
    untranslated = sorted(text for text in wanted if not re.search(r"[\u4e00-\u9fff]", catalog.get(text) or ""))
    assert not untranslated, f"add to config/locale/zh_Hans/LC_MESSAGES/djangojs.po: {untranslated}"
    assert catalog["Remove"] == "移除"  # the selector takes an item off a list; it deletes nothing
