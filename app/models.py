"""Import every model module so the metadata (and Alembic) sees every table."""
from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import User  # noqa: F401
from app.families.models import Child, ChildContact, Contact, Room  # noqa: F401
from app.parents.models import LinkToken  # noqa: F401
from app.settings.models import Setting  # noqa: F401
from app.messaging.models import (ContactProblem, Delivery, DevOutboxItem, InboundSms,  # noqa: F401
                                  Message, MessageVersion, SmsOptOut, Unsubscribe)
from app.surveys.models import (Survey, SurveyAnswer, SurveyInvitation, SurveyOption,  # noqa: F401
                                SurveyQuestion, SurveyResponse, SurveySection, SurveyText)
