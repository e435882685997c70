"""Import every model module so the metadata (and Alembic) sees every table."""
from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import PasswordReset, RecoveryCode, User  # noqa: F401
from app.families.models import Child, ChildContact, Contact, Room  # noqa: F401
from app.parents.models import LinkToken  # noqa: F401
from app.settings.models import Setting  # noqa: F401
from app.messaging.models import (ContactProblem, Delivery, DevOutboxItem, InboundSms,  # noqa: F401
                                  Message, MessageVersion, SmsOptOut, Unsubscribe)
from app.alerts.models import Alert, AlertEvent, AlertOptions, Illness  # noqa: F401
from app.feedback.models import ComplaintReminder, ComplaintStep, FeedbackItem, FeedbackReply  # noqa: F401
from app.workshops.models import (Poll, PollAnswer, PollSlot, Rsvp, SessionAttendance, Workshop,  # noqa: F401
                                  WorkshopSession, WorkshopText)
from app.involvement.models import (ForumMeeting, ForumMember, InterestSignup, Opportunity,  # noqa: F401
                                    SkillOffer, VolunteerSignup, VolunteerSlot)
from app.newsletters.models import Acknowledgement, Issue, IssueRead, IssueVersion, Upload  # noqa: F401
from app.activities.models import Activity, ActivityTry, ActivityVersion, Digest, DigestVersion  # noqa: F401
from app.surveys.models import (Survey, SurveyAnswer, SurveyInvitation, SurveyOption,  # noqa: F401
                                SurveyQuestion, SurveyResponse, SurveySection, SurveyText)
from app.lists.models import SavedList, SavedListMember  # noqa: F401
from app.privacy.models import ConsentEvent, ExportJob, OptOutHash  # noqa: F401
from app.evidence.models import Action, ActionLink  # noqa: F401
from app.evidence.snapshots import FigureSnapshot, ReachRow, ReachSnapshot  # noqa: F401
