"""Ready-made questionnaires written for Homelink; their texts are in the `messages` catalog, so a
survey made from one arrives with an approved version in every language the catalog covers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Each template: title, intro, sections of (title, questions); a question is
# (kind, text, required, options or (low, high) labels for ratings, show_if (question index, value)).
LIBRARY = {
    "annual": {
        "title": _l("Annual parent questionnaire"),
        "intro": _l("Tell us what works well and what we could do better. It takes about five minutes."),
        "sections": [
            (_l("Your child's time with us"), [
                ("likert", _l("My child is happy and settled at the nursery."), True, None, None),
                ("likert", _l("I know who my child's key person is."), True, None, None),
                ("rating", _l("How well do we tell you about your child's learning?"), True,
                 (_l("Not well"), _l("Very well")), None),
            ]),
            (_l("Keeping in touch"), [
                ("multiple", _l("How would you like to hear from us?"), False,
                 [_l("Email"), _l("Text message"), _l("Talking at the door"), _l("Paper letters")], None),
                ("yesno", _l("Would you like information in another language?"), False, None, None),
                ("short_text", _l("Which language?"), False, None, (4, "yes")),
                ("long_text", _l("What could we do better?"), False, None, None),
            ]),
        ],
    },
    "settling": {
        "title": _l("Settling-in feedback"),
        "intro": _l("Your child has recently started with us. How has it gone?"),
        "sections": [
            (_l("Starting with us"), [
                ("rating", _l("How well did your child settle in?"), True, (_l("Not well"), _l("Very well")), None),
                ("yesno", _l("Did you get the information you needed before starting?"), True, None, None),
                ("number", _l("How many settling-in visits did you have?"), False, None, None),
                ("long_text", _l("Is there anything we could have done differently?"), False, None, None),
            ]),
        ],
    },
    "workshop": {
        "title": _l("Workshop evaluation"),
        "intro": _l("Thank you for coming to our workshop. Your views help us plan the next one."),
        "sections": [
            (_l("The workshop"), [
                ("rating", _l("How useful was the workshop?"), True, (_l("Not useful"), _l("Very useful")), None),
                ("single", _l("Was the time of day right for you?"), False,
                 [_l("Yes"), _l("Earlier would be better"), _l("Later would be better")], None),
                ("likert", _l("I will try something from the workshop at home."), False, None, None),
                ("short_text", _l("What topic would you like next?"), False, None, None),
            ]),
        ],
    },
    "change": {
        "title": _l("Views on a proposed change"),
        "intro": _l("We are thinking about a change and would like your views before we decide."),
        "sections": [
            (_l("The proposed change"), [
                ("likert", _l("I support the proposed change."), True, None, None),
                ("yesno", _l("Would the change affect your family?"), True, None, None),
                ("long_text", _l("How would it affect you?"), False, None, (1, "yes")),
                ("long_text", _l("Any other comments?"), False, None, None),
            ]),
        ],
    },
}
