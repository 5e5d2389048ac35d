"""The hand-over round trip through the management commands: export → verify passes → one byte changed →
verify fails naming the file; a record deleted → verify fails naming it; purge leaves no personal data and
writes the certificate (issue 16, R9)."""

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from cases import services as case_services
from cases.models import Case
from children.models import Child, Parent
from children.tests.factories import ChildFactory, ParentFactory
from guide import pages

GUIDE = "用户手册.pdf"

NAME = "欧阳晓彤"
PARENT = "欧阳建国"
PHOTO = b"\xff\xd8\xff\xe0-a-photo-of-the-child-\xff\xd9"


@pytest.fixture
def world(worker):
    child = ChildFactory(name=NAME, social_worker=worker, id_number="440802201503011234", health_note="哮喘，需随身带药")
    child.photo.save("photo.jpg", ContentFile(PHOTO))
    ParentFactory(child=child, name=PARENT)
    ParentFactory(child=ChildFactory(social_worker=worker), name="另一位家长")
    case = case_services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户探访发现",
                                   reason="祖母年迈，孩子常独自在家")
    return child, case


def _verify(directory, *args):
    try:
        call_command("verify_handover", str(directory), *args)
    except CommandError as exc:
        return exc
    return None


def _records(directory: Path, label: str) -> list[dict]:
    lines = (directory / f"data/json/{label}.json").read_text(encoding="utf-8").splitlines()
    return [json.loads(line.rstrip(",")) for line in lines if line not in ("[", "]")]


@pytest.mark.django_db
def test_export_verify_then_a_changed_byte_and_a_deleted_record_are_named(world, tmp_path, capsys):
    child, case = world
    target = tmp_path / "handover"
    call_command("export_handover", str(target))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["children.child"]["count"] == Child.objects.count() == 2
    assert manifest["tables"]["children.parent"]["count"] == 2
    assert "accounts.auditentry" in manifest["tables"] and "admin.logentry" in manifest["tables"]
    assert any(label.startswith("children.historical") for label in manifest["tables"])
    # decrypted for the hand-over; the attachment copied; each child's and each case's PDF
    row = next(r for r in _records(target, "children.child") if r["id"] == child.pk)
    assert row["name"] == NAME and row["id_number"] == "440802201503011234" and row["health_note"] == "哮喘，需随身带药"
    assert (target / "attachments" / row["photo"]).read_bytes() == PHOTO
    assert (target / f"pdfs/children/{child.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert (target / f"pdfs/cases/{case.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert (target / "data/xlsx/children.child.xlsx").is_file()
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "目录结构" in readme and "| name | 姓名 |" in readme
    # the user guide at the top, plain, hashed in the manifest and named in the README
    assert (target / GUIDE).read_bytes().startswith(b"%PDF") and GUIDE in manifest["files"]
    assert manifest["documents"][GUIDE]["included"] is True
    assert f"- `{GUIDE}`：系统的用户手册" in readme
    assert set(manifest["files"]) == {p.relative_to(target).as_posix() for p in target.rglob("*")
                                      if p.is_file() and p.name != "manifest.json"}

    assert _verify(target) is None
    assert "OK" in capsys.readouterr().out

    photo = target / "attachments" / row["photo"]
    data = bytearray(photo.read_bytes())
    data[3] ^= 1
    photo.write_bytes(bytes(data))
    failure = _verify(target, "--files-only")
    assert failure is not None
    assert f"attachments/{row['photo']}" in capsys.readouterr().err
    data[3] ^= 1
    photo.write_bytes(bytes(data))
    assert _verify(target) is None

    gone = Parent.objects.get(name="另一位家长")
    Parent.objects.filter(pk=gone.pk).delete()
    assert _verify(target) is not None
    err = capsys.readouterr().err
    assert f"children.parent #{gone.pk}" in err and "not in the database" in err


@pytest.mark.django_db
def test_an_encrypted_hand_over_holds_no_plain_text_and_decrypts(world, tmp_path):
    from handover import crypto

    child, _case = world
    secret = tmp_path / "passphrase"
    secret.write_text("correct horse battery staple", encoding="utf-8")
    target = tmp_path / "sealed"
    call_command("export_handover", str(target), "--passphrase-file", str(secret), "--no-pdfs")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encryption"]["kdf"] == "scrypt" and manifest["pdfs"] is None
    for name in manifest["files"]:
        if name not in ("README.md", GUIDE):
            assert name.endswith(".enc")
            assert NAME.encode() not in (target / name).read_bytes()
    # the user guide is in the package without the passphrase (and without the children's PDFs)
    assert (target / GUIDE).read_bytes().startswith(b"%PDF") and not (target / "pdfs").exists()
    assert f"`README.md`、`manifest.json`、`{GUIDE}` 外，每个文件都已加密" in (target / "README.md").read_text()
    assert _verify(target, "--passphrase-file", str(secret)) is None
    plain = tmp_path / "plain"
    assert crypto.main(["decrypt", str(target), str(plain), "--passphrase-file", str(secret)]) == 0
    assert NAME in (plain / "data/json/children.child.json").read_text(encoding="utf-8")
    assert (plain / GUIDE).read_bytes() == (target / GUIDE).read_bytes()
    # a changed byte inside an encrypted file fails its checksum and its decryption
    sealed = target / "data/json/children.child.json.enc"
    data = bytearray(sealed.read_bytes())
    data[40] ^= 1
    sealed.write_bytes(bytes(data))
    assert _verify(target, "--passphrase-file", str(secret)) is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_purge_after_a_verified_hand_over_leaves_no_personal_data(world, worker, tmp_path, protected_media, settings):
    child, _case = world
    settings.BACKUP_DIR = str(tmp_path / "backups")
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "tonghu-20261130.tonghu-backup.enc").write_bytes(b"an old backup")
    target = tmp_path / "handover"
    call_command("export_handover", str(target), "--no-pdfs")

    with pytest.raises(CommandError):
        call_command("purge_after_handover", str(target))  # no --confirm
    Parent.objects.filter(name="另一位家长").update(name="改过的名字")
    with pytest.raises(CommandError, match="does not verify"):
        call_command("purge_after_handover", str(target), "--confirm")
    assert Child.objects.count() == 2  # nothing deleted
    Parent.objects.filter(name="改过的名字").update(name="另一位家长")

    from handover.models import HandoverExport

    HandoverExport.objects.create(created_by=worker)  # an earlier browser export names a user
    call_command("purge_after_handover", str(target), "--confirm", "--operator", "项目负责人 张三")
    assert not HandoverExport.objects.exists()
    assert Child.objects.count() == 0 and Parent.objects.count() == 0
    database = connection.connection.serialize() if connection.vendor == "sqlite" else b""
    if connection.vendor == "sqlite":
        for text in (NAME, PARENT, "哮喘"):
            assert text.encode() not in database
    assert [p for p in Path(protected_media).rglob("*") if p.is_file()] == []
    assert list((tmp_path / "backups").iterdir()) == []
    certificates = list(target.glob("deletion-certificate-*.json"))
    assert len(certificates) == 1
    certificate = json.loads(certificates[0].read_text(encoding="utf-8"))
    import hashlib

    assert certificate["manifest_sha256"] == hashlib.sha256((target / "manifest.json").read_bytes()).hexdigest()
    assert certificate["rows_deleted"]["children.child"] == 2
    assert certificate["operator"] == "项目负责人 张三" and certificate["deleted_at"]


@pytest.mark.django_db
def test_a_guide_that_cannot_be_rendered_is_recorded_and_the_export_finishes(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pages, "guide_dir", lambda: tmp_path / "no-guide")  # e.g. docs/ not deployed
    target = tmp_path / "handover"
    call_command("export_handover", str(target), "--no-pdfs")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["documents"][GUIDE]
    assert entry["included"] is False and "FileNotFoundError" in entry["problem"]
    assert not (target / GUIDE).exists() and GUIDE not in manifest["files"]
    assert f"{GUIDE} not included: FileNotFoundError" in capsys.readouterr().err
    assert f"`{GUIDE}`（本次导出未能生成" in (target / "README.md").read_text(encoding="utf-8")
    # everything else is there and verifies
    assert manifest["tables"]["children.child"]["count"] == 2
    assert _verify(target) is None
