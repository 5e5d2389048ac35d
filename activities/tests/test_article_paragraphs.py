"""Articles typed in the textarea keep their paragraphs on the bureau's review page (issue 12 item 7)."""

import re

import pytest
from django.urls import reverse

from activities.models import Article

pytestmark = pytest.mark.django_db

CHECKLIST = {"uses_pseudonyms": "on", "no_faces": "on", "no_school": "on", "no_address": "on"}


def _body_paragraphs(page: str) -> list[str]:
    body = re.search(r'<article[^>]*id="article-body">(.*?)</article>', page, re.S).group(1)
    return re.findall(r"<p>(.*?)</p>", body, re.S)


def test_two_typed_paragraphs_reach_the_bureau_as_two_paragraphs(client_for, worker, bureau):
    text = "小明（化名）和伙伴们学习防溺水知识。\r\n第二行紧接着。\r\n\r\n活动结束后，家长们纷纷表示感谢。"
    client_for(worker).post(reverse("activities:article_create"),
                            {"kind": "activity_report", "title": "防溺水进村", "body": text})
    article = Article.objects.get()
    assert client_for(worker).post(reverse("activities:article_submit", args=[article.pk]), CHECKLIST).status_code == 302
    page = client_for(bureau).get(article.get_absolute_url()).content.decode()
    assert 'id="decision-card"' in page  # the bureau's review page
    paragraphs = _body_paragraphs(page)
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("小明（化名）") and "<br>" in paragraphs[0]
    assert paragraphs[1] == "活动结束后，家长们纷纷表示感谢。"


def test_text_already_in_paragraphs_is_left_as_written(client_for, worker):
    client_for(worker).post(reverse("activities:article_create"), {
        "kind": "activity_report", "title": "防溺水进村", "body": "<p>第一段</p>\n<p>第二段</p>"})
    page = client_for(worker).get(Article.objects.get().get_absolute_url()).content.decode()
    assert _body_paragraphs(page) == ["第一段", "第二段"]


def test_typed_text_is_still_escaped(client_for, worker):
    client_for(worker).post(reverse("activities:article_create"), {
        "kind": "activity_report", "title": "防溺水进村", "body": "甲 <script>alert(1)</script>\n\n乙"})
    page = client_for(worker).get(Article.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert" not in page and len(_body_paragraphs(page)) == 2
