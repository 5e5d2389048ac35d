"""Discovery and mandatory reports (发现报告 / 强制报告), a topic of the cases app.

The models live with the app's others in cases/models/incident.py (importable from cases.models), the
URL patterns in cases/urls.py and the Celery task in cases/tasks.py; everything else is here. See
docs/incidents.md and, for why this is a subpackage and not an app, docs/development.md.
"""
