"""Settings shared by every environment. One `env`; secrets come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "config.apps.SiteAdminConfig",  # django.contrib.admin with the project's site (config/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ours, in dependency order: a lower app never imports a higher one
    "divisions",
    "accounts",
    "children",
    "visits",
    "cases",
    "activities",
    "evaluation",
    "reports",
    "handover",  # the top: reads every app's tables and PDFs (docs/architecture.md)
    "guide",  # the user guide (docs/guide/) and its 帮助 links: reads the URL names of every app
]

MIDDLEWARE = [
    # first: the request's audit entries are written after everything else, response rendered
    "accounts.middleware.AuditMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after MessageMiddleware: signing an idle session out leaves a message for the login page
    "accounts.middleware.IdleTimeoutMiddleware",
    # after the idle sign-out: no page before the second factor for the roles that need one (accounts/otp.py)
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
                "guide.context_processors.help_link",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tonghu.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# The embedded default holds a small team's concurrent saves (README, "SQLite or PostgreSQL"): WAL lets
# readers go on while one writer writes; every transaction takes the write lock at BEGIN (IMMEDIATE), so
# two writers queue for up to `timeout` seconds instead of one failing at once with "database is locked"
# when it upgrades its read lock half way; synchronous=NORMAL is safe with WAL and saves an fsync a commit.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.PasswordContentValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: gone when the browser closes, and after 30 minutes without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 30 * 60
SESSION_IDLE_TIMEOUT = 30 * 60
# Two-factor login (R14, accounts/otp.py): on unless a settings file turns it off. production.py forces it on;
# local.py (the `make run` demo) has it off by default (README, "Demo").
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = "童护"

# Lockout: 5 failures lock that username from that address for 30 minutes. Keyed on both so
# that one person's typos never lock a whole township office that shares one public address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address is REMOTE_ADDR. A reverse proxy in front must set it (nginx real_ip);
# a forged X-Forwarded-For header is never read.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
# Chinese only: a phone set to English must not turn the UI English (msgids stay English in code).
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploads about children are never served by the web server directly: views check permission.
PROTECTED_MEDIA_ROOT = env.path("PROTECTED_MEDIA_ROOT", default=str(VAR_DIR / "protected"))
# Where scripts/backup.sh writes its encrypted archives (purge_after_handover deletes them too).
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# "danger" for Bootstrap's alert-danger on the site, "error" for the admin's red messagelist (with "danger"
# alone the admin showed a refusal in its green default, as if it had succeeded).
MESSAGE_TAGS = {40: "danger error"}

# Celery: kombu's filesystem broker under var/ by default; redis://… at scale.
# A task is acknowledged when it has finished, not when it starts, and goes back to the queue when
# its worker dies (killed, out of memory, power cut), so the daily run is completed by another
# worker. This re-runs a task that was half done: every task must be idempotent (notifications
# are keyed, due visits recomputed). One message at a time per process, so a long task does not
# hold others hostage. Redis re-delivers a message not acknowledged within the visibility
# timeout, so it is longer than the longest task (the nightly run takes minutes at city scale).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Each pool process is replaced after this many tasks, or after a task that left it holding more than
# this many KiB: a PDF render (a report) leaves memory behind that only a new process gives back
# (accounts/pdf.py collects the garbage; the allocator keeps its arenas). Every worker gets these,
# also one started by hand or by `make run`, not only the systemd unit's.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_MAX_TASKS_PER_CHILD", default=50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_MAX_MEMORY_PER_CHILD", default=700_000)  # KiB
BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)  # seconds
# On a lost broker connection, stop running tasks: they are re-delivered anyway (late acks).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"data_folder_in": str(_broker_dir / "out"), "data_folder_out": str(_broker_dir / "out"),
     "control_folder": str(_broker_dir / "control"), "processed_folder": str(_broker_dir / "processed"),
     "store_processed": False}
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
)
if CELERY_BROKER_URL.startswith("filesystem"):
    for _folder in ("out", "control", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
# A report render holds a lease on its job row this long, renewed at each progress step (docs/reports.md).
REPORT_LEASE_SECONDS = env.int("REPORT_LEASE_SECONDS", default=15 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "visits-daily": {"task": "visits.tasks.daily_visit_run", "schedule": crontab(hour=6, minute=30)},
    # Category tags end on the day: 留守 at 16, the others at 18; the worker gets a task.
    "children-category-ends": {"task": "children.tasks.end_categories", "schedule": crontab(hour=0, minute=20)},
    # Discovery reports: recipients not told in time (police: after 1 hour), police feedback late.
    "incident-deadlines": {"task": "cases.incident_tasks.check_incident_deadlines", "schedule": 300.0},
    # Case files: follow-ups (回访) due or overdue, service plans overdue; each reminder is sent once.
    "cases-reminders": {"task": "cases.tasks.send_case_reminders", "schedule": crontab(hour=7, minute=0)},
    # A contract month about to end without the activities its targets require: tell the lead once.
    "activities-targets": {"task": "activities.tasks.remind_contract_targets", "schedule": crontab(hour=8, minute=0)},
    # The audit chain's head, signed and logged (accounts.AuditCheckpoint): truncation shows.
    "audit-checkpoint": {"task": "accounts.tasks.audit_checkpoint", "schedule": crontab(minute=5)},
    # Reports: a draft of each report whose period ended yesterday — the month on the 1st, the quarter,
    # the contract half-year and year (docs/reports.md) — for the lead to complete.
    "reports-period-drafts": {"task": "reports.tasks.period_report_drafts", "schedule": crontab(hour=2, minute=0)},
    # 60 days before the last contract year ends: tell the lead once to prepare the hand-over (R9).
    "handover-contract-end": {"task": "handover.tasks.contract_end_reminder", "schedule": crontab(hour=8, minute=10)},
    # Report renders whose worker died (lease expired) or whose message was lost (the filesystem broker
    # cannot redeliver): sent again, within the attempt cap (docs/reports.md, "killed worker").
    "reports-resume-stale-renders": {"task": "reports.tasks.resume_stale_renders", "schedule": 300.0},
    # The dashboard's figures of the city and of each county bureau's county, stored (reports.DashboardFigures)
    # so that the page reads one row; a view computes them itself when they are older than DASHBOARD_MAX_AGE.
    "reports-refresh-dashboards": {"task": "reports.tasks.refresh_dashboards", "schedule": 300.0},
    # The registry's counts per town (children.RegistryTally) counted again: kept right by every save, this
    # catches writes that send no signal (QuerySet.update(), raw SQL) within 15 minutes.
    "children-recount-tally": {"task": "children.tasks.recount_registry_tally", "schedule": 900.0},
    # Photos kept for a visit form sent back but never saved (visits.PendingVisitPhoto), older than
    # VISIT_PENDING_PHOTO_DAYS: row and file removed (docs/privacy.md, "Photos waiting for their visit").
    "visits-purge-abandoned-photos": {"task": "visits.tasks.purge_abandoned_photos",
                                      "schedule": crontab(hour=3, minute=40)},
    # The user guide's PDF rendered after a deployment changed docs/guide/, before its first download (a
    # crontab, not an interval: beat does not send it at start-up, when the worker has other work).
    "guide-prepare-pdf": {"task": "guide.tasks.prepare_pdf", "schedule": crontab(minute=50)},
}
# Days a photo kept for a visit form sent back waits for the visit to be saved before it is removed: longer
# than a form is expected to stay open on a phone (a form sent back on Friday evening, saved on Monday).
VISIT_PENDING_PHOTO_DAYS = env.int("VISIT_PENDING_PHOTO_DAYS", default=3)
# Seconds after which a dashboard view recomputes its stored figures instead of showing them (docs/reports.md).
DASHBOARD_MAX_AGE = env.int("DASHBOARD_MAX_AGE", default=600)

# Encryption at rest: the first key encrypts, all keys decrypt (rotation: prepend a new key,
# run `manage.py rotate_encryption_keys`, then drop the old one). Blind index for exact search.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")
# Signs the audit log's checkpoints; a key the database does not hold (empty: derived from SECRET_KEY).
AUDIT_CHECKPOINT_KEY = env("AUDIT_CHECKPOINT_KEY", default="")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tonghu@localhost")

# Content Security Policy: everything is served by the system itself (R10).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],  # style attributes (progress bars); never scripts
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

SITE_TITLE = _("Zhanjiang rural left-behind children and children in difficulty care and protection service system")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
AXES_VERBOSE = False
# A lockout lasts 30 minutes from the fifth failure; trying again meanwhile does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
