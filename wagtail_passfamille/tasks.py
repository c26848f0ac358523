"""Every background task of wagtail-passfamille, in one list (django-tasks).

Each task lives beside the code it serves; this module names them all for integrators and for
workers (``manage.py db_worker --queue-name passfamille``). Tasks receive ids, never personal
data: task arguments are stored in clear by the database backend.
"""

from wagtail_passfamille.backoffice.tasks import (
    send_agents_notice,
    send_status_email,
)
from wagtail_passfamille.citizen.acknowledgement import (
    enqueue_acknowledgement,
    send_acknowledgement,
)
from wagtail_passfamille.citizen.alerts import send_config_alert
from wagtail_passfamille.citizen.verification import enqueue_verification, verify_pending
from wagtail_passfamille.citizen.verified_notice import (
    enqueue_verified_notice,
    send_verified_notice,
)

__all__ = [
    "enqueue_acknowledgement",
    "enqueue_verification",
    "enqueue_verified_notice",
    "send_acknowledgement",
    "send_agents_notice",
    "send_config_alert",
    "send_status_email",
    "send_verified_notice",
    "verify_pending",
]
