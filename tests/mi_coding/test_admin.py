import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.models import User

PROJECT_APPS = [
    "accounts",
    "transcripts",
    "coding",
    "workflow",
    "reliability",
    "dashboards",
    "exchange",
]


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_every_model_is_registered_in_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.django_db
@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_opens(model, client, agency, coder):
    superuser = User.objects.create_superuser("root", password="root-password-long")
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
