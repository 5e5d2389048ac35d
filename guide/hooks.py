"""What the guide contributes to other apps' registries: the first-steps card of the 工作台 (hints.py) and the
user guide as one PDF at the top of the contract-end hand-over (handover/documents.py).

Nothing registers at import time: GuideConfig.ready() calls register() once.
"""

from handover.documents import Document
from handover.documents import register as register_document

from . import hints, render

GUIDE_DOCUMENT = Document(
    name=render.FILENAME,
    description="系统的用户手册（社工、督导、项目负责人、民政局和系统管理员各自的操作说明，附页面截图）",
    path=render.cached_pdf)


def register() -> None:
    hints.register()
    register_document(GUIDE_DOCUMENT)
