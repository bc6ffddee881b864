from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator

from accounts.models import Agency, Membership, Practitioner, Role, Team, User

username_validator = RegexValidator(
    r"^[\w.@+-]+$", "Use letters, digits and @ . + - _ only.", code="invalid_username"
)


class MemberAddForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        validators=[username_validator],
        help_text="A new account is created with the details below; an existing account "
        "(a member of another agency, say) joins as it is, with the details left empty.",
    )
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CODER)
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Optional for a new account; without it the person cannot sign in until an "
        "admin sets a password.",
    )

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        self.agency = agency
        super().__init__(*args, **kwargs)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if Membership.objects.filter(agency=self.agency, user__username=username).exists():
            raise forms.ValidationError(
                "This person is already a member; change their role instead."
            )
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password)
        return password


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

    @classmethod
    def initial_for(cls, agency: Agency) -> dict[str, object]:
        return {
            "name": agency.name,
            "coders_see_others_after_submission": agency.coders_see_others_after_submission,
            "calibration_pass_kappa": agency.calibration_pass_kappa,
        }
