"""Forms for reception's phone work."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional


class PhoneCallForm(FlaskForm):
    """What the client said on the phone; the answer is one of the buttons pressed."""

    kind = StringField(validators=[InputRequired(), Length(max=20)])
    answer = StringField(validators=[InputRequired(), Length(max=20)])
    sequence = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=1_000_000)])
    lasted = StringField(validators=[Optional(), Length(max=20)])  # after a worse follow-up
    offer = StringField(validators=[Optional(), Length(max=20)])  # to an offer of more
