"""`{% download_token "report" report.pk as token %}`: the signed, expiring token of a download link (R4)."""

from django import template

from accounts.exports import sign_download

register = template.Library()


@register.simple_tag(takes_context=True)
def download_token(context, purpose: str, obj_id) -> str:
    return sign_download(purpose, context["request"].user, obj_id)
