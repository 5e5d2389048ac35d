import pytest


@pytest.fixture(autouse=True)
def protected_media(settings, tmp_path):
    """Evidence files of the tests go to a temporary directory."""
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    return settings.PROTECTED_MEDIA_ROOT
