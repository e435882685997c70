"""Forms of the families import: the upload, and one column → field choice per column of the file."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from app.families.importer import FIELDS, IGNORE
from app.i18n import _s, _sl


class UploadForm(FlaskForm):
    """The CSV file to import."""

    file = FileField(_sl("CSV file"))


def mapping_form(headers: list[str], mapping: list[str]) -> FlaskForm:
    """A form with a select per column (col0, col1, …), set to the current mapping."""

    class MappingForm(FlaskForm):
        pass

    choices = [(IGNORE, _s("Do not import"))] + [(name, str(label)) for name, label in FIELDS.items()]
    for index, header in enumerate(headers):
        label = _s("Column %(n)s: %(header)s", n=index + 1, header=header or _s("(no heading)"))
        setattr(MappingForm, f"col{index}", SelectField(label, choices=choices, default=mapping[index]))
    return MappingForm()


def chosen_mapping(form: FlaskForm, width: int) -> list[str]:
    """The field chosen for each column of the mapping form."""
    return [form[f"col{index}"].data or IGNORE for index in range(width)]
