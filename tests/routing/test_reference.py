"""The reference data a deployment loads (``manage.py load_reference_data``): real divisions,
units, categories, deadline rules and reply templates, and nothing of the demo."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from representatives.models import Area, LiaisonSite, Representative
from routing.models import Category, DeadlineRule, HandlingUnit, ReplyTemplate
from routing.reference import city_unit_names, taxonomy_rows

pytestmark = pytest.mark.django_db


def test_load_reference_data_loads_what_a_deployment_needs_and_no_demo(capsys):
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "areas: +" in out and "categories: +" in out
    assert Area.objects.filter(level__in=["street", "township"]).count() == 16
    assert Category.objects.count() == len(taxonomy_rows())
    assert DeadlineRule.objects.count() == 6
    assert ReplyTemplate.objects.exists()
    assert HandlingUnit.objects.filter(name="克拉玛依市住房和城乡建设局").count() == 1
    assert not HandlingUnit.objects.filter(name="克拉玛依市住建局").exists()
    # No synthetic network, no accounts.
    assert not Area.objects.filter(name__contains="演示").exists()
    assert not LiaisonSite.objects.exists() and not Representative.objects.exists()
    assert not get_user_model().objects.exists()

    call_command("load_reference_data")
    assert "nothing new" in capsys.readouterr().out


def test_load_reference_data_keeps_what_an_administrator_edited():
    call_command("load_reference_data")
    Category.objects.filter(slug="environment").update(name="生态环境（已改）")
    HandlingUnit.objects.filter(kind="higher_congress").delete()
    call_command("load_reference_data")
    assert Category.objects.get(slug="environment").name == "生态环境（已改）"
    assert HandlingUnit.objects.filter(kind="higher_congress").count() == 1


def test_city_unit_names_expand_abbreviations_once():
    assert city_unit_names("市住建局/街道办事处/市城管局") == [
        "克拉玛依市住房和城乡建设局",
        "克拉玛依市城管局",
    ]
