from django.core.management.base import BaseCommand

from visits.tasks import purge_abandoned_photos


class Command(BaseCommand):
    help = ("Remove photos kept for visit forms never saved, older than VISIT_PENDING_PHOTO_DAYS, with their files "
            "(what Celery beat runs nightly).")

    def handle(self, *args, **options):
        self.stdout.write(purge_abandoned_photos())
