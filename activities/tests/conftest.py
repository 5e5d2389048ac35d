import pytest


@pytest.fixture(autouse=True)
def protected_media(settings, tmp_path):
    """Uploads go to a temporary directory, never to var/protected."""
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    return settings.PROTECTED_MEDIA_ROOT
