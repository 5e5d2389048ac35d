"""Every management command of the project answers `--help` (three of them used to crash on a lazy
translation in argparse)."""

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class

PROJECT_APPS = {config.name for config in apps.get_app_configs() if not config.name.startswith(("django.", "axes",
                "simple_history", "crispy", "django_"))}
COMMANDS = sorted(name for name, app in get_commands().items() if app in PROJECT_APPS)


def test_the_project_has_commands():
    assert {"generate_dataset", "import_children", "export_children"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_does_not_crash(name, capsys):
    command = load_command_class(get_commands()[name], name)
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", name, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out
