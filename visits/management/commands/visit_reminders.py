from django.core.management.base import BaseCommand

from visits.tasks import daily_visit_run


class Command(BaseCommand):
    help = "Recompute every child's due visits and notify about overdue ones (what Celery beat runs daily)."

    def handle(self, *args, **options):
        self.stdout.write(daily_visit_run())
