"""The real user guide in the hand-over: the whole of docs/guide/ rendered (15–25 s, the one test of the
hand-over that renders it; the others render a short guide, conftest.py), at the top of an encrypted package,
readable without the passphrase, the same PDF the /help/ page serves."""

import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from guide import pages, render

GUIDE = render.FILENAME


@pytest.fixture
def guide_docs():
    """The repository's docs/guide/, not conftest.py's short guide."""
    return pages.guide_dir()


@pytest.mark.django_db
def test_the_whole_user_guide_is_in_an_encrypted_hand_over_unencrypted(tmp_path, client_for, worker):
    secret = tmp_path / "passphrase"
    secret.write_text("correct horse battery staple", encoding="utf-8")
    target = tmp_path / "sealed"
    call_command("export_handover", str(target), "--passphrase-file", str(secret), "--no-pdfs")
    guide = target / GUIDE
    assert guide.read_bytes().startswith(b"%PDF")
    reader = PdfReader(guide)
    assert len(reader.pages) > 10
    assert "用户手册" in reader.pages[0].extract_text()
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"][GUIDE]["included"] is True and GUIDE in manifest["files"]
    # rendered once: the /help/ page's download is the same file, from the cache
    download = client_for(worker).get("/help/pdf/")
    assert b"".join(download.streaming_content) == guide.read_bytes()
    assert [path.name for path in render.cache_dir().glob("guide-*.pdf")] == [f"guide-{render.fingerprint()}.pdf"]
    call_command("verify_handover", str(target), "--passphrase-file", str(secret))
