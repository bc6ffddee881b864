from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator

from accounts.models import Agency, Practitioner, Role, Team, User

username_validator = RegexValidator(
    r"^[\w.@+-]+$", "Use letters, digits and @ . + - _ only.", code="invalid_username"
)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CODER)
    note = forms.CharField(
        max_length=200,
        required=False,
        label="For whom",
        help_text="Only admins see this, to recognise the invitation (e.g. “Maria, new coder”).",
    )
    email = forms.EmailField(
        required=False,
        label="E-mail the link to",
        help_text="Optional. You also get the link to hand over yourself.",
    )


class NewAccountForm(forms.Form):
    """An account made by the person who holds an invitation link, for themselves."""

    username = forms.CharField(max_length=150, validators=[username_validator])
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password1 = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                validate_password(
                    first,
                    User(
                        username=cleaned.get("username", ""),
                        email=cleaned.get("email", ""),
                        first_name=cleaned.get("first_name", ""),
                        last_name=cleaned.get("last_name", ""),
                    ),
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class PasswordConfirmForm(forms.Form):
    """The signed-in user's password again, before a change to how they sign in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class DefaultAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        empty_label=None,
        label="Start in",
        help_text="The agency you work in after signing in. Joining another agency never "
        "changes it; only you do.",
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(memberships__user=user).order_by(
            "name"
        )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class PractitionerForm(forms.Form):
    display_name = forms.CharField(max_length=200)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="User account",
        help_text="Link a member's account so they can read their own feedback.",
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(agency=agency)
        self.fields["user"].queryset = User.objects.filter(memberships__agency=agency).order_by(
            "username"
        )

    @classmethod
    def initial_for(cls, practitioner: Practitioner) -> dict[str, object]:
        return {
            "display_name": practitioner.display_name,
            "team": practitioner.team_id,
            "user": practitioner.user_id,
            "active": practitioner.active,
        }


class AgencySettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    coders_see_others_after_submission = forms.BooleanField(
        required=False,
        label="Coders see the other codings once all are submitted",
        help_text="Off keeps double coding blind for coders at all times.",
    )
    calibration_pass_kappa = forms.FloatField(
        min_value=-1,
        max_value=1,
        label="Calibration pass mark (mean kappa)",
        help_text="A coder passes a calibration when their mean kappa against the gold "
        "standard reaches this value.",
    )

    require_two_factor = forms.BooleanField(
        required=False,
        label="Require two-factor sign-in for admins and supervisors",
        help_text="Those without it are sent to set it up (an authenticator app on their "
        "phone) before they can do anything else.",
    )

    @classmethod
    def initial_for(cls, agency: Agency) -> dict[str, object]:
        return {
            "name": agency.name,
            "coders_see_others_after_submission": agency.coders_see_others_after_submission,
            "calibration_pass_kappa": agency.calibration_pass_kappa,
            "require_two_factor": agency.require_two_factor,
        }
