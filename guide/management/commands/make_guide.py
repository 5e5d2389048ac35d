from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guide import pages, render, runner
from guide.roles import chapters


class Command(BaseCommand):
    help = ("Take the user guide's screenshots (docs/guide/images/) with chromium on a throwaway demo "
            "site, check that every image a chapter shows was taken, and write the guide as one PDF.")

    def add_arguments(self, parser):
        parser.add_argument("--images", default=str(Path(settings.BASE_DIR) / "docs" / "guide" / "images"),
                            help="Where the screenshots go (default docs/guide/images).")
        parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                            help="Only these chapters (their slugs, e.g. social-worker lead).")
        parser.add_argument("--keep", action="store_true", help="Keep the temporary site directory (logs).")
        parser.add_argument("--pdf", default=str(Path(settings.VAR_DIR) / "guide" / render.FILENAME),
                            help=f"Where the whole guide goes as one PDF (default var/guide/{render.FILENAME}).")
        parser.add_argument("--no-pdf", action="store_true", help="Do not write the PDF.")
        parser.add_argument("--pdf-only", action="store_true",
                            help="Only write the PDF, from the screenshots already in docs/guide/images.")

    def handle(self, *args, images, only, keep, pdf, no_pdf, pdf_only, **options):
        if pdf_only:
            self._save_pdf(pdf)
            return
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
        # The PDF shows the repository's screenshots: not those of a run into another directory, nor half a guide.
        if not no_pdf and not only and images.resolve() == pages.images_dir().resolve():
            self._save_pdf(pdf)

    def _save_pdf(self, pdf):
        path = render.save_pdf(Path(pdf))
        self.stdout.write(self.style.SUCCESS(f"用户手册 PDF：{path}"))
