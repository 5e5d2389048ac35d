from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guide import runner
from guide.roles import chapters


class Command(BaseCommand):
    help = ("Take the user guide's screenshots (docs/guide/images/) with chromium on a throwaway demo "
            "site and check that every image a chapter shows was taken.")

    def add_arguments(self, parser):
        parser.add_argument("--images", default=str(Path(settings.BASE_DIR) / "docs" / "guide" / "images"),
                            help="Where the screenshots go (default docs/guide/images).")
        parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                            help="Only these chapters (their slugs, e.g. social-worker lead).")
        parser.add_argument("--keep", action="store_true", help="Keep the temporary site directory (logs).")

    def handle(self, *args, images, only, keep, **options):
        images = Path(images)
        try:
            produced = runner.run(images, only=only, keep=keep, log=self.stdout.write)
        except runner.GuideError as exc:
            raise CommandError(str(exc)) from exc
        missing = []
        guide_dir = Path(settings.BASE_DIR) / "docs" / "guide"
        for chapter in chapters():
            if chapter.SLUG not in produced:
                continue
            shown = runner.referenced_images((guide_dir / f"{chapter.SLUG}.md").read_text())
            missing += [f"{chapter.SLUG}.md: images/{name}.png" for name in sorted(shown - set(produced[chapter.SLUG]))]
        if missing:
            raise CommandError("章节引用了没有截取的图片（改章节，或在 guide/roles/ 里截取它）：\n" + "\n".join(missing))
        total = sum(len(names) for names in produced.values())
        self.stdout.write(self.style.SUCCESS(f"用户手册截图已更新：{total} 张，在 {images}"))
