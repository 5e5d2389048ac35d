"""The guide in the app: /help/ and its chapters for every signed-in user, their screenshots through a checked
view, the 帮助 link of every page (the section of the user's chapter that explains that page), and the
first-steps hint of the 工作台."""

import re

import pytest
from django.urls import reverse

from accounts.policy import Role
from children.tests.factories import ChildFactory
from guide import pages
from guide.models import HintDismissal
from guide.roles import chapter_for_role, chapters

from .conftest import help_entry

pytestmark = pytest.mark.django_db


def help_link(response) -> str:
    found = re.search(r'<a class="nav-link" href="([^"]+)" id="help-link">帮助</a>', response.content.decode())
    assert found, "no 帮助 link on the page"
    return found[1]


@pytest.mark.parametrize("url", ["/help/", "/help/lead/", "/help/images/lead-home.png", "/help/pdf/"])
def test_anonymous_user_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_index_links_every_chapter_in_the_app(client_for, worker):
    response = client_for(worker).get("/help/")
    assert response.status_code == 200
    body = response.content.decode()
    for chapter in chapters():
        assert f'href="/help/{chapter.SLUG}/"' in body
    assert ".md" not in re.sub(r"<code>.*?</code>", "", body)  # README's links to files are pages here
    assert "make guide" not in body  # README's notes for developers stay in the repository


@pytest.mark.parametrize("user", ["worker", "supervisor", "bureau", "sysadmin"])
def test_every_role_reads_every_chapter_with_its_anchors_and_images(client_for, request, user):
    client = client_for(request.getfixturevalue(user))
    for chapter in chapters():
        response = client.get(f"/help/{chapter.SLUG}/")
        assert response.status_code == 200
        body = response.content.decode()
        text = pages.read(chapter.SLUG)
        for anchor in re.findall(r'<a id="([a-z0-9-]+)"></a>', text):
            assert f'<a id="{anchor}"></a>' in body
        shown = re.findall(r"\]\(images/([a-z0-9-]+)\.png\)", text)
        assert shown
        for name in shown:
            assert f'src="/help/images/{name}.png"' in body
        # a phone loads the screenshots it scrolls to, not a chapter's sixty at once
        assert body.count('loading="lazy"') == body.count('class="guide-shot"') >= len(set(shown))
        image = client.get(f"/help/images/{shown[0]}.png")
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        assert b"".join(image.streaming_content) == (pages.images_dir() / f"{shown[0]}.png").read_bytes()


@pytest.mark.parametrize("url", ["/help/images/no-such-shot.png", "/help/images/LEAD-HOME.png",
                                 "/help/images/..%2F..%2Fsettings.png", "/help/images/lead-home.jpg",
                                 "/help/images/lead_home.png", "/help/no-such-chapter/", "/help/README/"])
def test_unknown_chapters_and_bad_image_names_are_404(client_for, worker, url):
    assert client_for(worker).get(url).status_code == 404


def test_links_between_chapters_become_help_pages_and_the_html_is_sanitised(client_for, worker, guide_copy):
    chapter = guide_copy / "lead.md"
    chapter.write_text(chapter.read_text() + (
        '\n<a id="more"></a>\n## 更多\n\n见[督导审批](supervisor.md#home)、[社工](social-worker.md)和[上文](#home)。\n\n'
        '<script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n[外链](javascript:alert(1))\n\n'
        '1. 第一步。\n\n   ![第一步的页面](images/lead-home.png)\n\n2. 第二步。\n'))
    body = client_for(worker).get("/help/lead/").content.decode()
    assert '<a href="/help/supervisor/#home">督导审批</a>' in body
    assert '<a href="/help/social-worker/">社工</a>' in body
    assert '<a href="#home">上文</a>' in body
    assert '<a id="more"></a>' in body
    assert "alert" not in body.split('id="guide-text"')[1]
    assert '<ol start="2">\n<li>第二步。</li>' in body  # the step after a screenshot keeps its number


# ---------------------------------------------------------------- the 帮助 link

def test_help_link_of_the_workers_work_list_opens_its_section(client_for, worker, monkeypatch):
    chapter = chapter_for_role(Role.SOCIAL_WORKER)
    anchor = help_entry(monkeypatch, chapter, "visits:worklist")
    response = client_for(worker).get(reverse("visits:worklist"))
    assert help_link(response) == f"/help/{chapter.SLUG}/#{anchor}"


def test_help_link_of_a_childs_personal_file_opens_its_section(client_for, worker, monkeypatch):
    chapter = chapter_for_role(Role.SOCIAL_WORKER)
    anchor = help_entry(monkeypatch, chapter, "children:detail")
    child = ChildFactory(social_worker=worker)
    response = client_for(worker).get(reverse("children:detail", args=[child.pk]))
    assert response.status_code == 200
    assert help_link(response) == f"/help/{chapter.SLUG}/#{anchor}"


def test_help_link_of_the_leads_reports_opens_the_leads_chapter(client_for, lead, monkeypatch):
    chapter = chapter_for_role(Role.PROJECT_LEAD)
    anchor = help_entry(monkeypatch, chapter, "reports:index")
    response = client_for(lead).get(reverse("reports:index"))
    assert help_link(response) == f"/help/lead/#{anchor}"


def test_help_link_of_a_page_its_chapter_does_not_list_opens_the_chapter_top(client_for, bureau, monkeypatch):
    chapter = chapter_for_role(Role.BUREAU)
    monkeypatch.delitem(chapter.HELP, "accounts:notifications", raising=False)
    response = client_for(bureau).get(reverse("accounts:notifications"))
    assert help_link(response) == f"/help/{chapter.SLUG}/"


def test_admin_pages_have_the_help_link_of_the_users_chapter(client_for, supervisor, monkeypatch):
    chapter = chapter_for_role(Role.SUPERVISOR)
    anchor = help_entry(monkeypatch, chapter, "admin:index")
    body = client_for(supervisor).get(reverse("admin:index")).content.decode()
    assert f'<a href="/help/{chapter.SLUG}/#{anchor}" id="help-link">帮助</a>' in body


def test_anonymous_pages_have_no_help_link(client):
    assert 'id="help-link"' not in client.get(reverse("login")).content.decode()


# ---------------------------------------------------------------- the first-steps hint

def test_first_steps_hint_stays_dismissed_for_its_user_only(client_for, worker, other_worker, django_user_model):
    client = client_for(worker)
    home = client.get("/").content.decode()
    assert 'id="first-steps"' in home
    assert "先打开“探访”里的工作清单" in home
    assert 'href="/help/social-worker/"' in home

    assert client.get(reverse("guide:dismiss_hint")).status_code == 405
    response = client.post(reverse("guide:dismiss_hint"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert HintDismissal.objects.filter(user=worker).count() == 1
    assert 'id="first-steps"' not in client.get("/").content.decode()
    client.post(reverse("guide:dismiss_hint"))  # a second tap (another tab) changes nothing
    assert HintDismissal.objects.count() == 1

    other = client_for(other_worker).get("/").content.decode()
    assert 'id="first-steps"' in other


@pytest.mark.parametrize(("user", "sentence"), [
    ("supervisor", "等待您审批的服务计划和结案"), ("lead", "合同指标和团队人员配置要求"),
    ("bureau", "了解整个项目的情况"), ("county_bureau", "了解本县（市、区）的情况"), ("sysadmin", "建立账号")])
def test_first_steps_hint_speaks_to_each_role_and_links_its_chapter(client_for, request, user, sentence):
    account = request.getfixturevalue(user)
    home = client_for(account).get("/").content.decode()
    assert sentence in home
    assert f'href="/help/{chapter_for_role(account.role).SLUG}/"' in home


def test_dismissing_needs_the_csrf_token(worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    assert client.post(reverse("guide:dismiss_hint")).status_code == 403
    assert not HintDismissal.objects.exists()
