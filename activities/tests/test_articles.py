"""Articles: sanitised drafts, the de-identification checklist, the bureau's review, publication."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Approval, Notification
from activities.models import Article, Target
from activities.services import create_contract_year, submit_article
from activities.targets import evaluate

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHECKLIST = {"uses_pseudonyms": "on", "no_faces": "on", "no_school": "on", "no_address": "on"}


@pytest.fixture
def draft(worker):
    return ArticleFactory(author=worker)


def submit(client, article, **extra):
    return client.post(reverse("activities:article_submit", args=[article.pk]), {**CHECKLIST, **extra})


def decide(client, article, decision, comment=""):
    return client.post(reverse("activities:article_decide", args=[article.pk]),
                       {"decision": decision, "comment": comment})


@pytest.fixture
def submitted(client_for, worker, bureau, draft):
    assert submit(client_for(worker), draft).status_code == 302
    draft.refresh_from_db()
    return draft


# ---------------------------------------------------------------- writing

def test_worker_writes_a_draft_whose_text_is_sanitised(client_for, worker):
    response = client_for(worker).post(reverse("activities:article_create"), {
        "kind": "activity_report", "title": "防溺水进村",
        "body": '<p onclick="steal()">小明（化名）<script>alert(1)</script><a href="javascript:x()">链接</a></p>'})
    article = Article.objects.get()
    assert response.status_code == 302 and article.status == Article.Status.DRAFT and article.author == worker
    assert "script" not in article.body and "onclick" not in article.body and "javascript" not in article.body
    assert "小明（化名）" in article.body


def test_text_with_an_id_number_or_phone_is_refused(client_for, worker):
    response = client_for(worker).post(reverse("activities:article_create"), {
        "kind": "activity_report", "title": "走访记录", "body": "<p>联系电话13800138000，身份证440802201503011234</p>"})
    assert response.status_code == 200
    errors = str(response.context["form"].errors)
    assert "身份证号" in errors and "手机号码" in errors
    assert not Article.objects.exists()


def test_bureau_and_county_bureau_cannot_write_articles(client_for, bureau, county_bureau):
    for user in (bureau, county_bureau):
        response = client_for(user).post(reverse("activities:article_create"), {
            "kind": "activity_report", "title": "x", "body": "<p>x</p>"})
        assert response.status_code == 403
    assert not Article.objects.exists()


def test_another_worker_can_read_but_not_edit_a_draft(client_for, other_worker, draft):
    client = client_for(other_worker)
    assert client.get(draft.get_absolute_url()).status_code == 200
    response = client.post(reverse("activities:article_edit", args=[draft.pk]), {
        "kind": "activity_report", "title": "改", "body": "<p>改</p>"})
    assert response.status_code == 403
    assert submit(client, draft).status_code == 403


def test_bureau_and_outsider_do_not_see_drafts(client_for, bureau, outsider, draft):
    assert client_for(bureau).get(draft.get_absolute_url()).status_code == 404
    assert client_for(outsider).get(draft.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------- the de-identification checklist

def test_submission_needs_every_checklist_item(client_for, worker, draft):
    data = {**CHECKLIST}
    del data["no_school"]
    response = client_for(worker).post(reverse("activities:article_submit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "no_school" in response.context["submit_form"].errors
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and not draft.deidentified
    assert not Approval.objects.exists()


def test_service_refuses_an_article_whose_checklist_is_not_ticked(worker, draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit_article(article=draft, by=worker)
    assert not Approval.objects.exists()


def test_submission_asks_the_bureau(client_for, worker, bureau, draft):
    submit(client_for(worker), draft, note="请审核")
    draft.refresh_from_db()
    assert draft.status == Article.Status.SUBMITTED and draft.deidentified
    approval = account_services.pending_approval(draft, "article")
    assert approval.approver_role == "bureau" and approval.fingerprint == draft.fingerprint()
    assert Notification.objects.filter(recipient=bureau).count() == 1


# ---------------------------------------------------------------- review

def test_worker_trying_to_approve_gets_403_and_nothing_changes(client_for, worker, other_worker, submitted):
    for user in (worker, other_worker):
        assert decide(client_for(user), submitted, "approve").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED
    assert account_services.pending_approval(submitted, "article") is not None


def test_worker_cannot_approve_through_the_service_either(other_worker, submitted):
    approval = account_services.pending_approval(submitted, "article")
    with pytest.raises(PermissionDenied):
        account_services.approve(approval=approval, by=other_worker)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.PENDING


def test_lead_and_supervisor_cannot_approve(client_for, lead, supervisor, submitted):
    for user in (lead, supervisor):
        assert decide(client_for(user), submitted, "approve").status_code == 403
    assert account_services.pending_approval(submitted, "article") is not None


def test_nobody_approves_their_own_article(worker, bureau, draft):
    """Even were a bureau official to write one, the approval mechanism would refuse their own request."""
    draft.author = bureau
    draft.uses_pseudonyms = draft.no_faces = draft.no_school = draft.no_address = True
    draft.save()
    approval = account_services.request_approval(obj=draft, kind="article", by=bureau, approver_role="bureau")
    with pytest.raises(PermissionDenied):
        account_services.approve(approval=approval, by=bureau)


def test_bureau_approves_in_its_own_view_and_the_article_counts(client_for, bureau, worker, submitted):
    client = client_for(bureau)
    review = client.get(reverse("activities:review_list"))
    assert review.status_code == 200 and [a.pk for a in review.context["waiting"]] == [submitted.pk]
    assert client.get(submitted.get_absolute_url()).context["decision_form"] is not None
    response = decide(client, submitted, "approve", "同意")
    assert response.status_code == 302 and response.url == reverse("activities:review_list")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.APPROVED and submitted.approved_at is not None
    assert account_services.is_approved(submitted, "article", fingerprint=submitted.fingerprint())
    assert Notification.objects.filter(recipient=worker, level="success").exists()
    year = create_contract_year(name="本年度", signed_on=datetime.date.today() - datetime.timedelta(days=30))
    articles = next(r for r in evaluate(year).results if r.target.rule == Target.Rule.APPROVED_ARTICLES)
    assert articles.done == 1


def test_review_desk_is_the_bureaus_only(client_for, worker, lead):
    assert client_for(worker).get(reverse("activities:review_list")).status_code == 403
    assert client_for(lead).get(reverse("activities:review_list")).status_code == 403


def test_return_needs_a_comment(client_for, bureau, submitted):
    decide(client_for(bureau), submitted, "return", "")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED


def test_returned_article_is_revised_resubmitted_and_keeps_its_history(client_for, bureau, worker, submitted):
    decide(client_for(bureau), submitted, "return", "请删去学校名称")
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.RETURNED
    client = client_for(worker)
    response = client.post(reverse("activities:article_edit", args=[submitted.pk]), {
        "kind": "activity_report", "title": submitted.title, "body": "<p>小明（化名）在村里参加活动。</p>"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert not submitted.deidentified  # an edit clears the checklist
    submit(client, submitted)
    history = list(account_services.approval_history(submitted, "article"))
    assert [a.status for a in history] == [Approval.Status.PENDING, Approval.Status.RETURNED]
    assert history[1].comment == "请删去学校名称"


def test_approved_article_cannot_be_edited(client_for, bureau, worker, submitted):
    decide(client_for(bureau), submitted, "approve")
    response = client_for(worker).post(reverse("activities:article_edit", args=[submitted.pk]), {
        "kind": "activity_report", "title": "改标题", "body": "<p>改</p>"})
    assert response.status_code == 403


# ---------------------------------------------------------------- publication

def test_author_records_publication_of_the_approved_article(client_for, bureau, worker, submitted):
    decide(client_for(bureau), submitted, "approve")
    response = client_for(worker).post(reverse("activities:article_publish", args=[submitted.pk]), {
        "media": "湛江民政微信公众号", "published_on": "2026-11-20", "link": "https://example.org/a"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.media, submitted.published_on) == (
        Article.Status.PUBLISHED, "湛江民政微信公众号", datetime.date(2026, 11, 20))


def test_publication_needs_media_and_date(client_for, bureau, worker, submitted):
    decide(client_for(bureau), submitted, "approve")
    client_for(worker).post(reverse("activities:article_publish", args=[submitted.pk]), {"media": "", "link": ""})
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.APPROVED


def test_unapproved_article_cannot_be_published(client_for, worker, submitted):
    response = client_for(worker).post(reverse("activities:article_publish", args=[submitted.pk]), {
        "media": "公众号", "published_on": "2026-11-20"})
    assert response.status_code == 403


def test_text_changed_after_approval_cannot_be_published(client_for, bureau, worker, submitted):
    decide(client_for(bureau), submitted, "approve")
    Article.objects.filter(pk=submitted.pk).update(body="<p>审核后偷偷改过</p>")
    client_for(worker).post(reverse("activities:article_publish", args=[submitted.pk]), {
        "media": "公众号", "published_on": "2026-11-20"})
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.APPROVED


# ---------------------------------------------------------------- lists

def test_article_list_query_count_does_not_grow(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    client.get(reverse("home"))  # the session's idle stamp is written on the first request only
    ArticleFactory.create_batch(2, author=worker)

    def count():
        # session, user, user's areas (visible_to), paginator count, one page of articles with authors and
        # image counts, unread notifications (nav); the savepoint pair of ATOMIC_REQUESTS
        with django_assert_num_queries(8):
            return client.get(reverse("activities:article_list"))

    assert len(count().context["page"]) == 2
    ArticleFactory.create_batch(4, author=worker)
    assert len(count().context["page"]) == 6


def test_bureau_article_list_leaves_out_drafts(client_for, bureau, draft, submitted):
    ArticleFactory()
    assert [a.pk for a in client_for(bureau).get(reverse("activities:article_list")).context["page"]] == [
        submitted.pk]


def test_author_sees_the_bureaus_comment_and_the_bureau_sees_the_ticked_checklist(client_for, bureau, worker,
                                                                                  submitted):
    bureau_page = client_for(bureau).get(submitted.get_absolute_url()).content.decode()
    assert 'id="checklist"' in bureau_page and "文中儿童均使用化名" in bureau_page
    decide(client_for(bureau), submitted, "return", "请删去学校名称")
    page = client_for(worker).get(submitted.get_absolute_url()).content.decode()
    assert 'id="return-comment"' in page and "请删去学校名称" in page


def test_text_is_sanitised_again_when_shown_whatever_wrote_it(client_for, worker, draft):
    Article.objects.filter(pk=draft.pk).update(body='<p>正文</p><img src=x onerror="alert(1)"><script>x()</script>')
    page = client_for(worker).get(draft.get_absolute_url()).content.decode()
    assert "onerror" not in page and "<script>x()" not in page and "<p>正文</p>" in page


def test_review_desk_query_count_does_not_grow(client_for, bureau, worker, django_assert_num_queries):
    client = client_for(bureau)
    client.get(reverse("home"))  # the session's idle stamp is written on the first request only

    def send(n):
        for _ in range(n):
            article = ArticleFactory(author=worker)
            submit(client_for(worker), article)
        client.force_login(bureau)
        client.get(reverse("home"))

    def count():
        # session, user, waiting articles with authors, decided articles with authors, unread notifications
        # (nav); the savepoint pair of ATOMIC_REQUESTS
        with django_assert_num_queries(7):
            return client.get(reverse("activities:review_list"))

    send(1)
    assert len(count().context["waiting"]) == 1
    send(3)
    assert len(count().context["waiting"]) == 4
