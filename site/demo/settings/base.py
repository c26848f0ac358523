"""Settings shared by every profile of the demo site (dev, test, production)."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "demo",
    # wagtail-passfamille and the apps it needs (see the README).
    "wagtail_passfamille",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail_modeladmin",
    "formtools",
    "django_tasks",
    "django_tasks_db",
    # Two-factor authentication of agents (required in the production profile).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Login throttling and lockout per account and per IP (django-axes).
    "axes",
    # Content-Security-Policy (django-csp).
    "csp",
    # A stock Wagtail site.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's middleware with the admin's own policy, and Permissions-Policy.
    "wagtail_passfamille.security.headers.ContentSecurityPolicyMiddleware",
    "wagtail_passfamille.security.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wagtail_passfamille.security.upload_limits.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wagtail_passfamille.security.admin_session.AdminSessionIdleTimeoutMiddleware",
    # Inert unless WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED (on in production.py).
    "wagtail_passfamille.security.admin_session.AdminTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "demo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "demo.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # WAL lets the dev server and the task worker read while the other writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}

# django-axes first: a locked-out account or IP is refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords (any login form) and wrong second-factor codes: after 10 for one account, or
# 10 from one IP, that account or IP is locked for 30 minutes; every further try during the
# lock starts the 30 minutes again, and the right password is refused meanwhile.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "wagtail_passfamille.security.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "wagtail_passfamille.security.login_throttle.lockout_response"
# No username or IP in the logs, no table of every login: the audit trail traces logins.
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True

# Content-Security-Policy of every page but the admin's (WAGTAIL_PASSFAMILLE_ADMIN_CONTENT_
# SECURITY_POLICY): the citizens' pages load their scripts and styles from static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The Wagtail page editor posts many fields; citizens' forms are bounded by the wizard itself.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_ENGINE = "django.contrib.sessions.backends.db"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "passfamille"],
    }
}

WAGTAIL_SITE_NAME = "Ville de Démoville"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx"]
WAGTAIL_I18N_ENABLED = False
# No avatar fetched from Gravatar: it would send a hash of each agent's e-mail to a third party
# (and the admin's Content-Security-Policy allows images from the site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No call from agents' browsers to releases.wagtail.org (allowed by no connect-src either).
WAGTAIL_ENABLE_UPDATE_CHECK = False

DEFAULT_FROM_EMAIL = "Ville de Démoville <ne-pas-repondre@demoville.example>"

# wagtail-passfamille: the citizen pages extend the town's own base template.
WAGTAIL_PASSFAMILLE_BASE_TEMPLATE = "demo/base.html"
WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BASE_DIR / "private_media")},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"wagtail_passfamille": {"handlers": ["console"], "level": "INFO"}},
}
